# Quantization core (issue 11): per-method throughput on 7B-shaped layers with ratios to rtn,
# search vs adam objectives, and the equal-bits comparison at <= 4.5 bpw.
qs_add_bench(bench_quantize SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_quantize.cpp LIBS TBB::tbb)
