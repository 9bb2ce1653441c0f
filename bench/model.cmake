# Whole-model quantization (issue 11): seconds per billion parameters, peak memory, and thread
# scaling 1 -> 2 for easyquant-search, with rtn as the same-run baseline.
qs_add_bench(bench_model_job SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_model_job.cpp)
