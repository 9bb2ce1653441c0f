# ONNX initializer reader (needs QS_WITH_ONNX). Seeds: fuzz/corpus/fuzz_onnx. Run:
#   build/fuzz/fuzz/fuzz_onnx fuzz/corpus/fuzz_onnx -max_total_time=60
if(QS_WITH_ONNX)
  qs_add_fuzzer(fuzz_onnx SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_onnx.cpp)
endif()
