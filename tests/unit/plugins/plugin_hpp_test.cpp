// The optional C++ helpers for plugin authors (tensorplug/plugin.hpp).
#include <catch2/catch.hpp>

#include <tensorplug/plugin.hpp>

#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Err : tp_error {
  Err() : tp_error{} { struct_size = TP_ERROR_STRUCT_SIZE; }
  ~Err() {
    if (release != nullptr) release(this);
  }
  std::string text() const { return message ? message : ""; }
};

DLTensor view(std::vector<float>& data, std::vector<int64_t>& shape,
              int64_t* strides = nullptr) {
  DLTensor t{};
  t.data = data.data();
  t.device = DLDevice{kDLCPU, 0};
  t.ndim = static_cast<int>(shape.size());
  t.dtype = tp::dtype::float32;
  t.shape = shape.data();
  t.strides = strides;
  return t;
}

}  // namespace

TEST_CASE("tp::guard maps each kind of exception to a status and message",
          "[plugins]") {
  Err err;
  CHECK(tp::guard(&err, "add", [] {}) == TP_OK);
  CHECK(err.message == nullptr);
  CHECK(tp::guard(&err, "add", [] { return TP_ERROR_NOT_IMPLEMENTED; }) ==
        TP_ERROR_NOT_IMPLEMENTED);

  CHECK(tp::guard(&err, "add", [] {
          throw tp::Error(TP_ERROR_SHAPE, "add: bad shapes");
        }) == TP_ERROR_SHAPE);
  CHECK(err.text() == "add: bad shapes");

  CHECK(tp::guard(&err, "add", [] { throw std::bad_alloc(); }) ==
        TP_ERROR_OUT_OF_MEMORY);
  CHECK(err.text() == "add: out of memory");

  CHECK(tp::guard(&err, "add", [] { throw std::out_of_range("index 7"); }) ==
        TP_ERROR_INTERNAL);
  CHECK(err.text() == "add: index 7");

  CHECK(tp::guard(&err, "add", [] { throw 42; }) == TP_ERROR_INTERNAL);
  CHECK(err.text() == "add: unknown exception");

  // No error struct: the status alone.
  CHECK(tp::guard(nullptr, "add", [] { throw 42; }) == TP_ERROR_INTERNAL);
  CHECK(tp::guard(nullptr, nullptr, [] { throw std::runtime_error("x"); }) ==
        TP_ERROR_INTERNAL);
}

TEST_CASE("tp::set_error fills a message that its release frees", "[plugins]") {
  Err err;
  CHECK(tp::set_error(&err, TP_ERROR_DTYPE, "first") == TP_ERROR_DTYPE);
  CHECK(err.text() == "first");
  // A second message releases the first (LeakSanitizer checks this).
  CHECK(tp::set_error(&err, TP_ERROR_SHAPE, std::string("second")) ==
        TP_ERROR_SHAPE);
  CHECK(err.text() == "second");
  REQUIRE(err.release != nullptr);
  err.release(&err);
  CHECK(err.message == nullptr);
  CHECK(err.release == nullptr);
  CHECK(err.private_data == nullptr);
  CHECK(err.struct_size == TP_ERROR_STRUCT_SIZE);

  CHECK(tp::set_error(nullptr, TP_ERROR_INTERNAL, "x") == TP_ERROR_INTERNAL);
  tp_error tiny{};
  tiny.struct_size = sizeof(size_t);  // has no room for message/release
  CHECK(tp::set_error(&tiny, TP_ERROR_INTERNAL, "x") == TP_ERROR_INTERNAL);
  CHECK(tiny.message == nullptr);
}

TEST_CASE("plugin.hpp names and sizes DLPack dtypes", "[plugins]") {
  CHECK(tp::dtype_name(tp::dtype::float32) == "float32");
  CHECK(tp::dtype_name(tp::dtype::int64) == "int64");
  CHECK(tp::dtype_name(tp::dtype::uint8) == "uint8");
  CHECK(tp::dtype_name(tp::dtype::bfloat16) == "bfloat16");
  CHECK(tp::dtype_name(DLDataType{kDLFloat, 32, 4}) == "float32x4");
  CHECK(tp::dtype_name(DLDataType{kDLComplex, 64, 1}) == "complex64");
  CHECK(tp::dtype_name(DLDataType{99, 32, 1}) ==
        "dtype(code=99, bits=32, lanes=1)");
  CHECK(tp::element_size(tp::dtype::float64) == 8);
  CHECK(tp::element_size(DLDataType{kDLUInt, 1, 1}) == 1);
  CHECK(tp::element_size(tp::dtype::default_float) == 0);
  CHECK(tp::dtype_equal(tp::dtype::float32, DLDataType{kDLFloat, 32, 1}));
  CHECK_FALSE(tp::dtype_equal(tp::dtype::float32, tp::dtype::int32));
}

TEST_CASE("plugin.hpp counts elements with overflow checks", "[plugins]") {
  std::vector<int64_t> s{2, 3, 4};
  CHECK(tp::checked_element_count(s.data(), 3) == 24u);
  CHECK(tp::checked_element_count(nullptr, 0) == 1u);  // a scalar
  CHECK_FALSE(tp::checked_element_count(nullptr, 1));
  std::vector<int64_t> zero{0, INT64_MAX, INT64_MAX};
  CHECK(tp::checked_element_count(zero.data(), 3) == 0u);
  std::vector<int64_t> huge{INT64_MAX, INT64_MAX};
  CHECK_FALSE(tp::checked_element_count(huge.data(), 2));
  std::vector<int64_t> big{int64_t{1} << 62};
  CHECK(tp::checked_element_count(big.data(), 1, 1));
  CHECK_FALSE(tp::checked_element_count(big.data(), 1, 8));  // bytes overflow
  std::vector<int64_t> unknown{TP_DIM_UNKNOWN};
  CHECK_FALSE(tp::checked_element_count(unknown.data(), 1));

  std::vector<float> data(6);
  std::vector<int64_t> shape{2, 3};
  DLTensor t = view(data, shape);
  CHECK(tp::element_count(t) == 6);
  t.shape = unknown.data();
  t.ndim = 1;
  try {
    tp::element_count(t, "set_value");
    FAIL("no exception");
  } catch (const tp::Error& e) {
    CHECK(e.status() == TP_ERROR_INVALID_ARGUMENT);
    CHECK_THAT(e.what(), Catch::StartsWith("set_value: invalid DLTensor"));
  }
}

TEST_CASE("plugin.hpp tells contiguous tensors and copies strided ones",
          "[plugins]") {
  std::vector<float> data{1, 2, 3, 4, 5, 6};  // 2x3 row-major
  std::vector<int64_t> shape{2, 3};
  DLTensor t = view(data, shape);
  CHECK(tp::is_contiguous(t));
  int64_t row_major[] = {3, 1};
  t.strides = row_major;
  CHECK(tp::is_contiguous(t));

  // Its 3x2 transpose: strides (1, 3).
  std::vector<int64_t> tshape{3, 2};
  int64_t transposed[] = {1, 3};
  DLTensor tt = view(data, tshape, transposed);
  CHECK_FALSE(tp::is_contiguous(tt));
  std::vector<float> out(6);
  tp::copy_to_contiguous(tt, out.data());
  CHECK(out == std::vector<float>{1, 4, 2, 5, 3, 6});

  // Size-1 dims may have any stride.
  std::vector<int64_t> oshape{1, 6};
  int64_t odd[] = {99, 1};
  CHECK(tp::is_contiguous(view(data, oshape, odd)));

  // Reversed, through byte_offset and a negative stride.
  std::vector<int64_t> rshape{6};
  int64_t back[] = {-1};
  DLTensor r = view(data, rshape, back);
  r.byte_offset = 5 * sizeof(float);
  tp::copy_to_contiguous(r, out.data());
  CHECK(out == std::vector<float>{6, 5, 4, 3, 2, 1});

  // A broadcast (zero-stride) view.
  std::vector<int64_t> bshape{2, 3};
  int64_t bstrides[] = {0, 1};
  tp::copy_to_contiguous(view(data, bshape, bstrides), out.data());
  CHECK(out == std::vector<float>{1, 2, 3, 1, 2, 3});
}

TEST_CASE("tp::make_managed_tensor owns zeroed storage freed by its deleter",
          "[plugins]") {
  std::vector<int64_t> shape{2, 3};
  tp::ManagedTensorPtr m =
      tp::make_managed_tensor(shape.data(), 2, tp::dtype::float64);
  REQUIRE(m);
  const DLTensor& t = m->dl_tensor;
  CHECK(t.ndim == 2);
  CHECK(t.shape != shape.data());  // a copy
  CHECK(std::vector<int64_t>(t.shape, t.shape + 2) == shape);
  CHECK(t.strides == nullptr);
  CHECK(t.device.device_type == kDLCPU);
  CHECK(tp::dtype_equal(t.dtype, tp::dtype::float64));
  const auto* d = static_cast<const double*>(t.data);
  for (int i = 0; i < 6; ++i) CHECK(d[i] == 0.0);
  REQUIRE(m->deleter != nullptr);

  // Scalars and empty tensors still get a data pointer.
  tp::ManagedTensorPtr s =
      tp::make_managed_tensor(nullptr, 0, tp::dtype::float32);
  CHECK(s->dl_tensor.shape == nullptr);
  CHECK(s->dl_tensor.data != nullptr);
  std::vector<int64_t> empty{0, 4};
  CHECK(tp::make_managed_tensor(empty.data(), 2, tp::dtype::int8)
            ->dl_tensor.data != nullptr);

  // Handing one over: the receiver calls the deleter exactly once.
  DLManagedTensor* raw = m.release();
  raw->deleter(raw);

  CHECK_THROWS_AS(
      tp::make_managed_tensor(shape.data(), 2, tp::dtype::default_float),
      tp::Error);
  std::vector<int64_t> bad{-2};
  CHECK_THROWS_AS(tp::make_managed_tensor(bad.data(), 1, tp::dtype::float32),
                  tp::Error);
}
