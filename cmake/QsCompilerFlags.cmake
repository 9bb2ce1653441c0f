# Warnings, warnings-as-errors and sanitizers, applied through one interface target so every
# project target gets the same flags and third-party code does not.
add_library(qs_compile_options INTERFACE)
target_compile_options(qs_compile_options INTERFACE -Wall -Wextra -Wpedantic)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # GCC 12 reports false -Wrestrict overlaps inside std::string at -O3 ("literal" + string;
  # GCC bug 105329), which -Werror would turn into build failures in Release.
  target_compile_options(qs_compile_options INTERFACE -Wno-restrict)
endif()
if(QS_WERROR)
  target_compile_options(qs_compile_options INTERFACE -Werror)
endif()
if(QS_SANITIZE)
  target_compile_options(qs_compile_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(qs_compile_options INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # With sanitizers at -O1, GCC 12 reports false maybe-uninitialized warnings inside
    # libstdc++'s <regex> (std::function in _StateT); the sanitizers check this for real.
    target_compile_options(qs_compile_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
