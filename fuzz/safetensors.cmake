# safetensors header parser + tensor decoding. Run:
#   build/fuzz/fuzz/fuzz_safetensors fuzz/corpus/fuzz_safetensors -max_total_time=60
qs_add_fuzzer(fuzz_safetensors SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_safetensors.cpp)
