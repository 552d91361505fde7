// Translations of the elementwise binary ops (NumPy broadcasting, which
// TensorFlow's binary ops share).
#include "translate.hpp"

namespace tftf {
namespace {

TF_Output tr_add(Builder& b, const tptk::Node&, std::span<const TF_Output> in) {
  return b.op("AddV2").in(in[0]).in(in[1]).out();
}

}  // namespace

TFTF_TRANSLATE(add, tr_add)

}  // namespace tftf
