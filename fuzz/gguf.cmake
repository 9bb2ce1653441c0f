# GGUF parser, metadata rendering and tensor dequantization. Run:
#   build/fuzz/fuzz/fuzz_gguf fuzz/corpus/fuzz_gguf -max_total_time=60
qs_add_fuzzer(fuzz_gguf SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_gguf.cpp)
