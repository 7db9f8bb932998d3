# nabla_gemm: the sgemm, its ISA dispatch and thread pool, as a static library the addon links.
# Included from native/CMakeLists.txt. No -march flags: the AVX2/AVX-512 kernels carry per-function target
# attributes and are chosen at run time, so one binary runs on any x86-64 (and ARM takes the portable path).
set(NABLA_GEMM_DIR ${CMAKE_CURRENT_LIST_DIR})
option(NABLA_BUILD_BENCH "Build the sgemm_bench executable" OFF)

find_package(Threads REQUIRED)

file(GLOB NABLA_GEMM_SOURCES CONFIGURE_DEPENDS ${NABLA_GEMM_DIR}/*.cpp)
add_library(nabla_gemm STATIC ${NABLA_GEMM_SOURCES})
target_include_directories(nabla_gemm PUBLIC ${NABLA_GEMM_DIR})
target_compile_features(nabla_gemm PUBLIC cxx_std_17)
set_target_properties(nabla_gemm PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_EXTENSIONS OFF)
if(MSVC)
  target_compile_options(nabla_gemm PRIVATE /O2)
else()
  target_compile_options(nabla_gemm PRIVATE -O3)
endif()
target_link_libraries(nabla_gemm PUBLIC Threads::Threads)

if(NABLA_BUILD_BENCH)
  get_filename_component(NABLA_BENCH_DIR ${NABLA_GEMM_DIR}/../../bench ABSOLUTE)
  add_executable(sgemm_bench ${NABLA_BENCH_DIR}/sgemm_bench.cpp ${NABLA_BENCH_DIR}/sgemm_check.cpp)
  target_link_libraries(sgemm_bench PRIVATE nabla_gemm)
  target_compile_features(sgemm_bench PRIVATE cxx_std_17)
  if(NOT MSVC)
    target_compile_options(sgemm_bench PRIVATE -O2)
  endif()
  # A system BLAS, when present, is printed beside ours as a ratio; it is never required.
  find_package(BLAS QUIET)
  find_path(NABLA_CBLAS_INCLUDE cblas.h PATH_SUFFIXES openblas)
  if(BLAS_FOUND AND NABLA_CBLAS_INCLUDE)
    target_compile_definitions(sgemm_bench PRIVATE NABLA_HAVE_CBLAS=1)
    target_include_directories(sgemm_bench PRIVATE ${NABLA_CBLAS_INCLUDE})
    target_link_libraries(sgemm_bench PRIVATE ${BLAS_LIBRARIES})
    message(STATUS "sgemm_bench: comparing against ${BLAS_LIBRARIES}")
  endif()
endif()
