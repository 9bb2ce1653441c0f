# Perplexity of stories260K on tinystories_val: the whole evaluation sequence-at-once vs the same
# runtime token by token with a KV cache (issue 5: target < 10 s for 380,662 tokens on 2 cores).
qs_add_bench(bench_perplexity SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_perplexity.cpp)
target_compile_definitions(bench_perplexity PRIVATE QS_TEST_DATA="${QS_TEST_DATA}")
