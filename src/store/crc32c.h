// CRC32C (Castagnoli), the checksum of journal records and snapshots: the
// SSE4.2 instruction where the CPU has it, Boost.CRC's table otherwise.
#ifndef LEADROUTE_STORE_CRC32C_H_
#define LEADROUTE_STORE_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace leadroute::store {

// The CRC32C of `data` continued from `crc` (0 to start).
std::uint32_t Crc32c(std::string_view data, std::uint32_t crc = 0);

// The table version alone (tests compare the two).
std::uint32_t Crc32cPortable(std::string_view data, std::uint32_t crc = 0);

}  // namespace leadroute::store

#endif  // LEADROUTE_STORE_CRC32C_H_
