// This ISA build's table of kernels (one per build; see kernels.h).
#include "impl.h"

namespace nabla {
namespace NABLA_KNS {

#define NABLA_STR2(x) #x
#define NABLA_STR(x) NABLA_STR2(x)

static const KernelTable kTable = {
    NABLA_STR(NABLA_KNS) + 2,  // "k_avx512" -> "avx512"
    unary, unary_tiled, binary, where, fill, reduce_inner, reduce_outer, argmax,
    activation, activation_backward, prelu, prelu_backward, linear_epilogue,
    cross_entropy, cross_entropy_backward,
    batch_norm_stats, batch_norm_apply, batch_norm_backward_sums, batch_norm_backward_dx,
    sgd, adam, rmsprop, adagrad, gather_bytes,
};

const KernelTable& table() { return kTable; }

}  // namespace NABLA_KNS
}  // namespace nabla
