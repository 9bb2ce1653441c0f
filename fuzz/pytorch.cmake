# torch.save reader: ZIP directory + restricted unpickler. Seeds: fuzz/corpus/fuzz_pytorch
# (regenerate with fuzz/make_seed_corpus.py). Run:
#   build/fuzz/fuzz/fuzz_pytorch fuzz/corpus/fuzz_pytorch -max_total_time=60
qs_add_fuzzer(fuzz_pytorch SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_pytorch.cpp)
# Reuses the tests' in-memory ZIP writer (a plain header) to wrap bare pickles.
target_include_directories(fuzz_pytorch PRIVATE ${PROJECT_SOURCE_DIR}/tests/core/io)
