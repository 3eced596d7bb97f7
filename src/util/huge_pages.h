// Large arrays on transparent huge pages: one page fault and one TLB entry
// per 2 MiB instead of per 4 KiB. Where the kernel's THP mode is "madvise"
// (Debian's default) only memory marked MADV_HUGEPAGE gets them; the
// index's records, slots and posting buckets are large, dense and touched
// at random, which is where they pay.
#ifndef LEADROUTE_UTIL_HUGE_PAGES_H_
#define LEADROUTE_UTIL_HUGE_PAGES_H_

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace leadroute {

inline constexpr std::size_t kHugePage = 2u << 20;

// `bytes` rounded up to whole huge pages.
inline constexpr std::size_t RoundUpToHugePage(std::size_t bytes) {
  return (bytes + kHugePage - 1) / kHugePage * kHugePage;
}

// `bytes` (rounded up to whole huge pages when at least one), not zeroed,
// 2 MiB-aligned, marked for huge pages and faulted in. Faulting a fresh huge
// page in costs milliseconds (~3 ms on a VM, zeroing included): done here,
// where the index allocates (away from its exclusive lock), not at the first
// write, which for a vector's spare capacity comes inside a write. Free with
// FreeHuge(p, bytes), the same `bytes`.
//
// Whole huge pages are mapped from the kernel and unmapped when freed, not
// taken from malloc: a malloc keeps what is freed for reuse (tcmalloc in its
// page heap, glibc below its adaptive mmap threshold), so the arrays an index
// outgrew would stay resident after it grew (~30 bytes an opportunity at 1M).
inline void* AllocateHuge(std::size_t bytes) {
  if (bytes < kHugePage) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  const std::size_t rounded = RoundUpToHugePage(bytes);
  // Mapped a huge page larger, then trimmed to an aligned start.
  void* m = ::mmap(nullptr, rounded + kHugePage, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (m == MAP_FAILED) throw std::bad_alloc();
  const auto mapped = reinterpret_cast<std::uintptr_t>(m);
  const std::uintptr_t aligned = RoundUpToHugePage(mapped);
  if (aligned > mapped) ::munmap(m, aligned - mapped);
  if (const std::size_t tail = mapped + kHugePage - aligned; tail > 0) {
    ::munmap(reinterpret_cast<void*>(aligned + rounded), tail);
  }
  void* p = reinterpret_cast<void*>(aligned);
  ::madvise(p, rounded, MADV_HUGEPAGE);  // advice: failure changes nothing
  volatile char* page = static_cast<char*>(p);
  for (std::size_t at = 0; at < rounded; at += 4096) page[at] = 0;
  return p;
}

inline void FreeHuge(void* p, std::size_t bytes) {
  if (p == nullptr) return;
  if (bytes < kHugePage) {
    std::free(p);
    return;
  }
  ::munmap(p, RoundUpToHugePage(bytes));
}

// A std::allocator for vectors that grow large.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) { return static_cast<T*>(AllocateHuge(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) { FreeHuge(p, n * sizeof(T)); }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const { return true; }
};

}  // namespace leadroute

#endif  // LEADROUTE_UTIL_HUGE_PAGES_H_
