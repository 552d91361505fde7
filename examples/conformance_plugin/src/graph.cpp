// Evaluating the graph when a callable runs: each output and update value
// is computed from the fed inputs and the variables, in double, and rounded
// to its dtype.
#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "backend.hpp"

namespace example {
namespace {

struct Value {
  Shape shape;
  std::vector<double> data;
};

double apply_relu(const Relu& r, double x) {
  // A zero result is +0 (docs/ops.md): relu(-0) and 0 * (negative) are -0.
  if (x >= r.threshold) {
    double y = x <= 0.0 ? 0.0 : x;
    if (r.max_value) y = std::min(y, *r.max_value);
    return y;
  }
  // With alpha 0 every number below the threshold gives +0, -inf included
  // (0 * -inf would be NaN); NaN stays NaN.
  if (r.alpha == 0.0) return x != x ? x : 0.0;
  return r.alpha * (x - r.threshold) + 0.0;
}

Value binary(Kind kind, const Value& a, const Value& b, const char* op) {
  const auto shape = broadcast(a.shape, b.shape);
  if (!shape) {
    fail(TP_ERROR_SHAPE, std::string(op) + ": cannot broadcast shapes " +
                             shape_str(a.shape) + " and " + shape_str(b.shape));
  }
  Value out{*shape, std::vector<double>(element_count(*shape))};
  std::vector<int64_t> index(shape->size(), 0);
  auto offset_in = [&](const Value& v) {
    size_t off = 0;
    const size_t lead = shape->size() - v.shape.size();
    for (size_t d = 0; d < v.shape.size(); ++d) {
      off = off * v.shape[d] + (v.shape[d] == 1 ? 0 : index[lead + d]);
    }
    return off;
  };
  for (size_t flat = 0; flat < out.data.size(); ++flat) {
    const double x = a.data[offset_in(a)];
    const double y = b.data[offset_in(b)];
    out.data[flat] = kind == Kind::kAdd ? x + y : x * y;
    for (size_t d = shape->size(); d-- > 0;) {
      if (++index[d] < (*shape)[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

Value evaluate(const Node& node, std::map<const tp_tensor*, Value>& memo) {
  if (auto it = memo.find(node.get()); it != memo.end()) return it->second;
  Value v;
  switch (node->kind) {
    case Kind::kPlaceholder:
      fail(TP_ERROR_INVALID_ARGUMENT,
           "call: placeholder '" + node->name +
               "' is needed but is not an input of the function");
    case Kind::kVariable:
      v = {node->shape, node->value};
      break;
    case Kind::kAdd:
    case Kind::kMultiply:
      v = binary(node->kind, evaluate(node->inputs[0], memo),
                 evaluate(node->inputs[1], memo), op_name(node->kind));
      break;
    case Kind::kRelu:
      v = evaluate(node->inputs[0], memo);
      for (double& x : v.data) x = apply_relu(node->relu, x);
      break;
  }
  round_to(node->dtype, v.data);
  memo.emplace(node.get(), v);
  return v;
}

}  // namespace

tp_status call(tp_callable* self, tp_context* context, const tp_call_args* args,
               tp_error* error) {
  // On failure every slot is NULL (rule TP_ABI_11): cleared before anything
  // can fail, whenever the struct is large enough to say where they are.
  if (args != nullptr && args->struct_size >= TP_CALL_ARGS_STRUCT_SIZE &&
      args->outputs != nullptr) {
    for (size_t i = 0; i < args->num_outputs; ++i) args->outputs[i] = nullptr;
  }
  return guard(error, [&] {
    auto* c =
        self == nullptr ? nullptr : static_cast<Callable*>(self->private_data);
    if (c == nullptr || context == nullptr || args == nullptr ||
        args->struct_size < TP_CALL_ARGS_STRUCT_SIZE) {
      fail(TP_ERROR_INVALID_ARGUMENT, "call: invalid arguments");
    }
    if (args->num_outputs != c->outputs.size() ||
        (args->num_outputs > 0 && args->outputs == nullptr)) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "call: expected " + std::to_string(c->outputs.size()) +
               " output slots, got " + std::to_string(args->num_outputs));
    }
    if (args->num_inputs != c->inputs.size() ||
        (args->num_inputs > 0 && args->inputs == nullptr)) {
      fail(TP_ERROR_INVALID_ARGUMENT,
           "call: the function takes " + std::to_string(c->inputs.size()) +
               " inputs, got " + std::to_string(args->num_inputs));
    }
    std::map<const tp_tensor*, Value> memo;
    for (size_t i = 0; i < c->inputs.size(); ++i) {
      const Node& p = c->inputs[i];
      const DLTensor* in = args->inputs[i];
      if (in == nullptr) {
        fail(TP_ERROR_INVALID_ARGUMENT,
             "call: input " + std::to_string(i) + " is NULL");
      }
      if (!same(in->dtype, p->dtype)) {
        fail(TP_ERROR_DTYPE, "call: input " + std::to_string(i) + " ('" +
                                 p->name + "') has dtype " +
                                 dtype_name(in->dtype) + ", expected " +
                                 dtype_name(p->dtype));
      }
      Value v;
      v.data = read_values(*in, "call");
      v.shape.assign(in->shape, in->shape + in->ndim);
      bool match = v.shape.size() == p->shape.size();
      for (size_t d = 0; match && d < v.shape.size(); ++d) {
        match = p->shape[d] == TP_DIM_UNKNOWN || p->shape[d] == v.shape[d];
      }
      if (!match) {
        fail(TP_ERROR_SHAPE, "call: input " + std::to_string(i) + " ('" +
                                 p->name + "') has shape " +
                                 shape_str(v.shape) + ", expected " +
                                 shape_str(p->shape));
      }
      memo[p.get()] = std::move(v);
    }
    // Every output and update value first, then the assignments.
    std::vector<Value> outputs, updates;
    for (const Node& n : c->outputs) outputs.push_back(evaluate(n, memo));
    for (size_t i = 0; i < c->update_values.size(); ++i) {
      Value v = evaluate(c->update_values[i], memo);
      if (v.shape != c->update_variables[i]->shape) {
        fail(TP_ERROR_SHAPE, "call: the update of variable '" +
                                 c->update_variables[i]->name + "' has shape " +
                                 shape_str(v.shape) + ", the variable " +
                                 shape_str(c->update_variables[i]->shape));
      }
      updates.push_back(std::move(v));
    }
    std::vector<std::unique_ptr<DLManagedTensor, void (*)(DLManagedTensor*)>>
        made;
    for (size_t i = 0; i < outputs.size(); ++i) {
      made.emplace_back(
          make_output(c->outputs[i]->dtype, outputs[i].shape, outputs[i].data),
          [](DLManagedTensor* m) { m->deleter(m); });
    }
    for (size_t i = 0; i < updates.size(); ++i) {
      c->update_variables[i]->value = std::move(updates[i].data);
    }
    for (size_t i = 0; i < made.size(); ++i) {
      args->outputs[i] = made[i].release();
    }
  });
}

void release_callable(tp_callable* self) {
  if (self == nullptr) return;
  delete static_cast<Callable*>(self->private_data);
  self->private_data = nullptr;
  self->call = nullptr;
  self->release = nullptr;
}

}  // namespace example
