# Warnings, warnings-as-errors and sanitizers, applied through one interface target so every
# project target gets the same flags and third-party code does not.
add_library(qs_compile_options INTERFACE)
target_compile_options(qs_compile_options INTERFACE -Wall -Wextra -Wpedantic)
if(QS_WERROR)
  target_compile_options(qs_compile_options INTERFACE -Werror)
endif()
if(QS_SANITIZE)
  target_compile_options(qs_compile_options INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(qs_compile_options INTERFACE -fsanitize=address,undefined)
endif()
