#pragma once
// How the C library's malloc treats the host memory of tensors (see host_malloc.cpp).

namespace nabla {

// Sets the policy once, when the addon loads.
void configure_host_malloc();

// What configure_host_malloc() found or set.
const char* host_malloc_policy();

}  // namespace nabla
