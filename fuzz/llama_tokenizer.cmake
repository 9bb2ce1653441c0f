qs_add_fuzzer(fuzz_llama_tokenizer SOURCES ${CMAKE_CURRENT_LIST_DIR}/fuzz_llama_tokenizer.cpp)
