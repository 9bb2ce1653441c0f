# LiDAR viewer rendering speed (issue 8). Needs a display: run under xvfb-run, e.g.
#   xvfb-run -a -s "-screen 0 1600x1000x24" build/dev/bench/bench_lidar_render
if(QS_BUILD_VIEWERS)
  qs_add_bench(bench_lidar_render SOURCES lidar_render.cpp LIBS quantscope_viewers Qt6::Widgets Qt6::OpenGLWidgets)
  target_compile_definitions(bench_lidar_render PRIVATE QT_NO_KEYWORDS QS_TEST_DATA_DEFAULT="${QS_TEST_DATA}")
endif()
