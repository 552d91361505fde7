// The translation table: how each toolkit op (ops/op.hpp of the toolkit,
// exported and internal alike) becomes TensorFlow operations. A translation
// is a plain function of the node (attributes, static dtype and shape, the
// operand nodes' static dtypes and shapes) and the TF outputs of its operands;
// it adds the ops that compute the node's value with the node's Keras
// meaning and returns the output holding it (of the node's dtype).
//
//   TF_Output tr_add(Builder& b, const tptk::Node& n,
//                    std::span<const TF_Output> in) {
//     return b.op("AddV2").in(in[0]).in(in[1]).out();
//   }
//   TFTF_TRANSLATE(add, tr_add)
//
// Static dims may be unknown (TP_DIM_UNKNOWN) for results computed from
// placeholders: a translation that needs a shape then takes it from the
// graph at run time (Builder::shape_tensor). Failures throw tp::Error.
#pragma once

#include <span>
#include <string_view>

#include <tensorplug/toolkit/ops/op.hpp>

#include "graph.hpp"

namespace tftf {

using Translation = TF_Output (*)(Builder& b, const tptk::Node& node,
                                  std::span<const TF_Output> inputs);

/** The translation of the op named `op`, or nullptr. */
Translation find_translation(std::string_view op) noexcept;

struct TranslationRegistration {
  TranslationRegistration(const char* op, Translation fn);
};

}  // namespace tftf

/** Registers `fn` as the translation of the toolkit op named `op`. */
#define TFTF_TRANSLATE(op, fn) \
  static const ::tftf::TranslationRegistration tftf_translation_##op{#op, fn};
