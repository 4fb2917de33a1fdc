# hujiao_warnings: an interface target every project library links, so that the
# warning set is one decision. Third-party headers are included as SYSTEM.
add_library(hujiao_warnings INTERFACE)
target_compile_options(hujiao_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align
  -Wnull-dereference -Wimplicit-fallthrough)
if(HUJIAO_WERROR)
  target_compile_options(hujiao_warnings INTERFACE -Werror)
endif()
