// tensorplug::Array: adopting a backend's DLManagedTensor without a copy
// (rule TP_ABI_22), and Array's value semantics around it.
#include <tensorplug/array.hpp>

#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

using tensorplug::Array;

namespace {

/// A DLManagedTensor over `storage` that records its deleter's calls: how
/// many, on which thread, and whether the keep-alive was still held then.
struct Produced {
  std::vector<float> storage;
  std::vector<std::int64_t> shape;
  std::vector<std::int64_t> strides;
  DLManagedTensor managed{};
  int deleted = 0;
  std::thread::id deleted_on;
  std::weak_ptr<const void> keep_alive;
  bool keep_alive_held_at_delete = false;

  Produced(std::vector<float> values, std::vector<std::int64_t> dims)
      : storage(std::move(values)), shape(std::move(dims)) {
    managed.dl_tensor.data = storage.data();
    managed.dl_tensor.device = {kDLCPU, 0};
    managed.dl_tensor.ndim = static_cast<int32_t>(shape.size());
    managed.dl_tensor.dtype = tensorplug::dtype::float32;
    managed.dl_tensor.shape = shape.data();
    managed.manager_ctx = this;
    managed.deleter = [](DLManagedTensor* self) {
      auto* p = static_cast<Produced*>(self->manager_ctx);
      ++p->deleted;
      p->deleted_on = std::this_thread::get_id();
      p->keep_alive_held_at_delete = !p->keep_alive.expired();
    };
  }
  Produced(const Produced&) = delete;
  Produced& operator=(const Produced&) = delete;
};

}  // namespace

TEST_CASE(
    "Array::adopt reads a compact tensor in place and frees it once, when the "
    "last reader lets go",
    "[array]") {
  Produced p({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}, {2, 3});
  auto keep = std::make_shared<int>(7);
  p.keep_alive = keep;

  SECTION("the bytes are the producer's, until the Array is destroyed") {
    {
      const Array a = Array::adopt(&p.managed, keep);
      CHECK(a.adopted());
      CHECK(a.shape() == std::vector<std::int64_t>{2, 3});
      CHECK(static_cast<const void*>(a.bytes().data()) == p.storage.data());
      CHECK(a.to_vector<float>() == p.storage);
      CHECK(a.view().data == p.storage.data());
      CHECK(p.deleted == 0);
      keep.reset();  // the Array holds the keep-alive now
      CHECK_FALSE(p.keep_alive.expired());
    }
    CHECK(p.deleted == 1);
    CHECK(p.keep_alive_held_at_delete);  // dropped only after the deleter
    CHECK(p.keep_alive.expired());
  }

  SECTION("a copy owns its bytes and outlives the adopted Array") {
    std::optional<Array> a = Array::adopt(&p.managed, keep);
    const Array copy = *a;
    CHECK_FALSE(copy.adopted());
    CHECK(static_cast<const void*>(copy.bytes().data()) != p.storage.data());
    Array assigned;
    assigned = *a;
    CHECK_FALSE(assigned.adopted());
    a.reset();
    CHECK(p.deleted == 1);
    p.storage.assign(6, -1.f);  // the producer's memory is its own again
    CHECK(copy.to_vector<float>() == std::vector<float>{1, 2, 3, 4, 5, 6});
    CHECK(assigned.to_vector<float>() == copy.to_vector<float>());
  }

  SECTION("a move keeps reading in place") {
    Array a = Array::adopt(&p.managed, keep);
    const Array moved = std::move(a);
    CHECK(moved.adopted());
    CHECK(static_cast<const void*>(moved.bytes().data()) == p.storage.data());
    CHECK(p.deleted == 0);
  }

  SECTION("mutable_bytes copies first, and the producer's buffer is freed") {
    Array a = Array::adopt(&p.managed, keep);
    auto bytes = a.mutable_bytes();
    CHECK_FALSE(a.adopted());
    CHECK(p.deleted == 1);
    CHECK(static_cast<const void*>(bytes.data()) != p.storage.data());
    reinterpret_cast<float*>(bytes.data())[0] = 42.f;
    CHECK(p.storage[0] == 1.f);
    CHECK(a.to_vector<float>()[0] == 42.f);
  }

  SECTION("the deleter runs on the thread that lets go of the Array") {
    auto a = std::make_unique<Array>(Array::adopt(&p.managed, keep));
    std::thread t([&] { a.reset(); });
    const std::thread::id other = t.get_id();
    t.join();
    CHECK(p.deleted == 1);
    CHECK(p.deleted_on == other);
  }
}

TEST_CASE(
    "Array::adopt copies a tensor it cannot read in place and frees it at "
    "once",
    "[array]") {
  SECTION("strided (a transposed view)") {
    Produced p({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}, {3, 2});
    p.strides = {1, 3};
    p.managed.dl_tensor.strides = p.strides.data();
    const Array a = Array::adopt(&p.managed);
    CHECK_FALSE(a.adopted());
    CHECK(p.deleted == 1);
    CHECK(a.to_vector<float>() == std::vector<float>{1, 4, 2, 5, 3, 6});
  }
  SECTION("compact strides are read in place") {
    Produced p({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}, {3, 2});
    p.strides = {2, 1};
    p.managed.dl_tensor.strides = p.strides.data();
    const Array a = Array::adopt(&p.managed);
    CHECK(a.adopted());
    CHECK(p.deleted == 0);
  }
  SECTION("misaligned data (byte_offset 2 into float32)") {
    Produced p({1.f, 2.f, 3.f}, {2});
    p.managed.dl_tensor.byte_offset = 2;
    const Array a = Array::adopt(&p.managed);
    CHECK_FALSE(a.adopted());
    CHECK(p.deleted == 1);
    CHECK(a.bytes().size() == 8);
  }
  SECTION("an aligned byte_offset is read in place") {
    Produced p({1.f, 2.f, 3.f}, {2});
    p.managed.dl_tensor.byte_offset = 4;
    const Array a = Array::adopt(&p.managed);
    CHECK(a.adopted());
    CHECK(a.to_vector<float>() == std::vector<float>{2, 3});
  }
  SECTION("empty, with NULL data (TP_ABI_16)") {
    Produced p({}, {2, 0});
    p.managed.dl_tensor.data = nullptr;
    const Array a = Array::adopt(&p.managed);
    CHECK_FALSE(a.adopted());
    CHECK(p.deleted == 1);
    CHECK(a.size() == 0);
  }
  SECTION("refused (not on the CPU): an error, and still freed once") {
    Produced p({1.f}, {1});
    p.managed.dl_tensor.device = {kDLCUDA, 0};
    CHECK_THROWS_AS(Array::adopt(&p.managed), std::invalid_argument);
    CHECK(p.deleted == 1);
  }
}
