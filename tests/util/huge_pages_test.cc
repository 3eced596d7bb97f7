#include "util/huge_pages.h"
#include "util/resident.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace leadroute {
namespace {

TEST(HugePagesTest, LargeAllocationsAreAlignedAndUsable) {
  const std::size_t bytes = 5 * kHugePage + 123;
  auto* p = static_cast<char*>(AllocateHuge(bytes));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % kHugePage, 0u);
  std::memset(p, 0x5a, bytes);
  EXPECT_EQ(p[bytes - 1], 0x5a);
  FreeHuge(p, bytes);
  // Below a huge page: malloc's.
  void* small = AllocateHuge(100);
  ASSERT_NE(small, nullptr);
  std::memset(small, 1, 100);
  FreeHuge(small, 100);
  FreeHuge(nullptr, bytes);
}

// Regression: large arrays were freed to malloc, which kept them; an index
// that grew held its outgrown arrays resident (~30 bytes an opportunity).
TEST(HugePagesTest, FreeingReturnsTheMemory) {
  const std::size_t bytes = 32 * kHugePage;
  void* p = AllocateHuge(bytes);  // faulted in
  const std::size_t held = ResidentBytes();
  FreeHuge(p, bytes);
  EXPECT_LE(ResidentBytes() + bytes / 2, held);
}

// Through the allocator, as the index's arrays go: each array a vector
// outgrows is freed with the size it was allocated with, all of it.
// Regression: the bound was too tight for ASan's shadow memory and failed in
// CI's sanitizer build (by 2 MB over 16 MB of slack).
TEST(HugePagesTest, VectorsReturnWhatTheyOutgrow) {
  const std::size_t before = ResidentBytes();
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> v;
  for (std::uint64_t i = 0; i < 8'000'000; ++i) v.push_back(i);  // 64 MB, grown 2x at a time
  EXPECT_EQ(v[7'999'999], 7'999'999u);
  // The last array, not the ~64 MB of the ones before it. Half the last
  // array's size again is slack, not a tight bound: a sanitizer's shadow
  // memory (an eighth of every array the vector touched, ~17 MB under ASan)
  // counts as resident too, and the regression doubles the figure.
  const std::size_t last = v.capacity() * sizeof(std::uint64_t);
  EXPECT_LE(ResidentBytes(), before + last + last / 2);
  const std::size_t held = ResidentBytes();
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>>().swap(v);
  EXPECT_LE(ResidentBytes() + 48 * (1u << 20), held);
}

}  // namespace
}  // namespace leadroute
