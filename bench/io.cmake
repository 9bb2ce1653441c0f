# Checkpoint I/O: opening reads headers only, so open time must not grow with file size.
qs_add_bench(bench_open SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/bench_open.cpp)
