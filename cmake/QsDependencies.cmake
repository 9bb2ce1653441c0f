# Every third-party dependency is found here, once, so the options summary can report them.
find_package(Threads REQUIRED)
find_package(Eigen3 3.4 REQUIRED NO_MODULE)
find_package(TBB REQUIRED)

# Installing libvtk9-dev switches the hdf5 alternatives to the MPI build: ask for serial.
set(HDF5_PREFER_PARALLEL OFF)
find_package(HDF5 REQUIRED COMPONENTS C)
if(HDF5_IS_PARALLEL)
  message(FATAL_ERROR "Found a parallel HDF5 (${HDF5_C_LIBRARIES}); QuantScope links the serial one. "
                      "Install libhdf5-dev and point HDF5_ROOT at /usr/lib/x86_64-linux-gnu/hdf5/serial.")
endif()
find_package(ZLIB REQUIRED)
# Image files for the vision models (core stays Qt-free): Debian's libpng and libjpeg-turbo.
find_package(PNG REQUIRED)
find_package(JPEG REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)

if(QS_WITH_ONNX)
  find_package(Protobuf REQUIRED)
  find_path(ONNX_INCLUDE_DIR onnx/onnx_pb.h)
  find_library(ONNX_PROTO_LIBRARY onnx_proto)
  if(NOT ONNX_INCLUDE_DIR OR NOT ONNX_PROTO_LIBRARY)
    message(FATAL_ERROR "QS_WITH_ONNX is ON but libonnx-dev was not found")
  endif()
endif()

if(QS_BUILD_GUI OR QS_BUILD_TESTS)
  set(QS_QT_COMPONENTS Core)
  if(QS_BUILD_TESTS)
    list(APPEND QS_QT_COMPONENTS Test)
  endif()
  if(QS_BUILD_GUI)
    list(APPEND QS_QT_COMPONENTS Gui Widgets Charts OpenGL OpenGLWidgets Svg LinguistTools Concurrent)
  endif()
  find_package(Qt6 6.4 REQUIRED COMPONENTS ${QS_QT_COMPONENTS})
endif()

if(QS_BUILD_VIEWERS)
  # Explicit component list: only what the viewers use. The Qt module of Debian's VTK is Qt 5,
  # so it is deliberately absent; viewers/ hosts a vtkGenericOpenGLRenderWindow itself.
  find_package(VTK REQUIRED COMPONENTS
    CommonCore CommonDataModel CommonColor FiltersSources FiltersCore FiltersGeneral
    RenderingCore RenderingOpenGL2 RenderingAnnotation RenderingFreeType
    InteractionStyle InteractionWidgets)
endif()

if(QS_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
