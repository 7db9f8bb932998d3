# nabla_gemm: the sgemm, its ISA dispatch and thread pool, as a static library the addon links.
# Included from native/CMakeLists.txt. One mechanism for every ISA-specific source of the addon: it is
# compiled with that ISA's flags (never -march) into names of its own, and the code of the ISA in use
# (active_isa(): the CPU's best, or what NABLA_NATIVE_ISA / setIsa forced) is picked on each call. So one
# binary runs on any x86-64, forcing an ISA forces all of it, and ARM takes the portable path.
set(NABLA_GEMM_DIR ${CMAKE_CURRENT_LIST_DIR})
option(NABLA_BUILD_BENCH "Build the sgemm_bench executable" OFF)

find_package(Threads REQUIRED)

file(GLOB NABLA_GEMM_SOURCES CONFIGURE_DEPENDS ${NABLA_GEMM_DIR}/*.cpp)
add_library(nabla_gemm STATIC ${NABLA_GEMM_SOURCES})

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT MSVC)
  set(NABLA_X86_ISA_BUILDS 1)
  set(NABLA_AVX2_FLAGS -mavx2 -mfma)
  set(NABLA_AVX512_FLAGS -mavx512f -mavx2 -mfma)
else()
  set(NABLA_X86_ISA_BUILDS 0)
endif()

# The micro-kernels: one hand-written source per ISA.
if(NABLA_X86_ISA_BUILDS)
  set_source_files_properties(${NABLA_GEMM_DIR}/kernels_avx2.cpp PROPERTIES COMPILE_OPTIONS "${NABLA_AVX2_FLAGS}")
  set_source_files_properties(${NABLA_GEMM_DIR}/kernels_avx512.cpp PROPERTIES COMPILE_OPTIONS "${NABLA_AVX512_FLAGS}")
endif()

# The zero scans: one source compiled once per ISA, each copy in its own namespace.
function(nabla_scans_build name ns)
  add_library(${name} OBJECT ${NABLA_GEMM_DIR}/isa/zero_scans.cpp)
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON CXX_EXTENSIONS OFF)
  target_compile_features(${name} PRIVATE cxx_std_17)
  target_compile_definitions(${name} PRIVATE NABLA_SCANS_NS=${ns} NABLA_HAVE_X86_SCANS=${NABLA_X86_ISA_BUILDS})
  if(MSVC)
    target_compile_options(${name} PRIVATE /O2)
  else()
    target_compile_options(${name} PRIVATE -O3 ${ARGN})
  endif()
  target_sources(nabla_gemm PRIVATE $<TARGET_OBJECTS:${name}>)
endfunction()
nabla_scans_build(nabla_scans_portable scans_portable)
if(NABLA_X86_ISA_BUILDS)
  nabla_scans_build(nabla_scans_avx2 scans_avx2 ${NABLA_AVX2_FLAGS})
  nabla_scans_build(nabla_scans_avx512 scans_avx512 ${NABLA_AVX512_FLAGS})
endif()
target_compile_definitions(nabla_gemm PRIVATE NABLA_HAVE_X86_SCANS=${NABLA_X86_ISA_BUILDS})
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
