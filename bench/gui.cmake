# The workbench's interactive paths (issue 7): slider move → updated numbers, histogram redraw.
if(TARGET quantscope_widgets)
  qs_add_bench(bench_gui SOURCES ${CMAKE_CURRENT_LIST_DIR}/gui_bench.cpp LIBS quantscope_widgets)
endif()
