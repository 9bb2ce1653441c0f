# Image inputs (IDX, PNG, JPEG) and ARCH.json of the ViT runtime.
qs_add_fuzzer(fuzz_vit_inputs SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_vit_inputs.cpp)
