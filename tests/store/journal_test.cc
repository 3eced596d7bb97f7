#include "store/journal.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <thread>

#include "store/crc32c.h"
#include "store/fault_env.h"

namespace leadroute::store {
namespace {

TEST(Crc32cTest, KnownValuesAndBothPathsAgree) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32cPortable("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(""), 0u);
  std::mt19937 rng(7);
  for (int n : {1, 7, 8, 9, 63, 64, 65, 1000}) {
    std::string data(n, '\0');
    for (char& c : data) c = static_cast<char>(rng());
    EXPECT_EQ(Crc32c(data), Crc32cPortable(data)) << n;
    // Continued in two pieces equals at once.
    const std::size_t half = data.size() / 2;
    EXPECT_EQ(Crc32c(data.substr(half), Crc32c(data.substr(0, half))), Crc32c(data)) << n;
    EXPECT_EQ(Crc32cPortable(data.substr(half), Crc32cPortable(data.substr(0, half))),
              Crc32c(data))
        << n;
  }
}

TEST(JournalNamesTest, RoundTrip) {
  std::uint64_t p = 0;
  EXPECT_EQ(SegmentName(42), "journal-00000000000000000042.lrj");
  EXPECT_TRUE(ParseSegmentName(SegmentName(18446744073709551615ull), &p));
  EXPECT_EQ(p, 18446744073709551615ull);
  EXPECT_FALSE(ParseSegmentName("journal-42.lrj", &p));
  EXPECT_FALSE(ParseSegmentName("journal-0000000000000000004x.lrj", &p));
}

// A segment of `n` records from position `first`, with padding after.
std::string Segment(std::uint64_t first, int n, std::vector<std::string>* payloads) {
  std::string file(kJournalMagic, sizeof(kJournalMagic));
  for (int i = 0; i < n; ++i) {
    payloads->push_back("{\"n\":" + std::to_string(i) + ",\"pad\":\"" +
                        std::string(static_cast<std::size_t>(i % 17), 'x') + "\"}");
    EncodeRecord(first + static_cast<std::uint64_t>(i), payloads->back(), &file);
  }
  return file;
}

SegmentScan Scan(const std::string& file, std::uint64_t first, std::vector<std::string>* got) {
  std::string padded = file + std::string(64, '\0');
  SegmentScan scan;
  Status s = ScanSegment(padded, file.size(), first,
                         [&](std::uint64_t, std::string_view payload) {
                           got->emplace_back(payload);
                           return Status::Ok();
                         },
                         &scan);
  EXPECT_TRUE(s.ok());
  return scan;
}

TEST(JournalScanTest, ReadsEveryRecord) {
  std::vector<std::string> payloads, got;
  const std::string file = Segment(100, 20, &payloads);
  const SegmentScan scan = Scan(file, 100, &got);
  EXPECT_EQ(scan.end, SegmentScan::End::kClean);
  EXPECT_EQ(scan.records, 20u);
  EXPECT_EQ(scan.last_position, 119u);
  EXPECT_EQ(got, payloads);
}

TEST(JournalScanTest, EveryCutOfTheLastRecordIsATornTail) {
  std::vector<std::string> payloads;
  const std::string whole = Segment(0, 5, &payloads);
  std::vector<std::string> four;
  const std::size_t four_end = Segment(0, 4, &four).size();
  for (std::size_t cut = four_end + 1; cut < whole.size(); ++cut) {
    std::vector<std::string> got;
    const SegmentScan scan = Scan(whole.substr(0, cut), 0, &got);
    EXPECT_EQ(scan.end, SegmentScan::End::kTorn) << cut;
    EXPECT_EQ(scan.valid_bytes, four_end) << cut;
    EXPECT_EQ(got.size(), 4u) << cut;
  }
  // Zeros after the last record (a file extended but not written).
  std::vector<std::string> got;
  const SegmentScan scan = Scan(whole + std::string(100, '\0'), 0, &got);
  EXPECT_EQ(scan.end, SegmentScan::End::kTorn);
  EXPECT_EQ(got.size(), 5u);
}

TEST(JournalScanTest, AFlippedByteInTheMiddleIsCorruption) {
  std::vector<std::string> payloads;
  const std::string whole = Segment(0, 10, &payloads);
  std::vector<std::string> three;
  const std::size_t third_end = Segment(0, 3, &three).size();
  // Every byte of the fourth record: header or payload.
  const std::size_t fourth_len = kRecordHeader + payloads[3].size();
  for (std::size_t at = third_end; at < third_end + fourth_len; ++at) {
    std::string bad = whole;
    bad[at] = static_cast<char>(bad[at] ^ 0x20);
    std::vector<std::string> got;
    const SegmentScan scan = Scan(bad, 0, &got);
    EXPECT_EQ(scan.end, SegmentScan::End::kCorrupt) << at;
    EXPECT_EQ(got.size(), 3u) << at;
    EXPECT_EQ(scan.valid_bytes, third_end) << at;
  }
  // The same in the last record reads as a torn tail: nothing follows.
  std::string bad = whole;
  bad[bad.size() - 2] ^= 0x20;
  std::vector<std::string> got;
  EXPECT_EQ(Scan(bad, 0, &got).end, SegmentScan::End::kTorn);
  EXPECT_EQ(got.size(), 9u);
}

TEST(JournalScanTest, PositionsOutOfOrderAreCorruption) {
  std::vector<std::string> payloads, got;
  const std::string file = Segment(5, 3, &payloads);
  EXPECT_EQ(Scan(file, 4, &got).end, SegmentScan::End::kCorrupt);
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(Scan("LRJOU", 0, &got).end, SegmentScan::End::kTorn);
  EXPECT_EQ(Scan("not a journal", 0, &got).end, SegmentScan::End::kCorrupt);
  // Regression (fuzz_journal): a file longer than the magic that does not
  // start with it was compared over its whole length, past the magic's end.
  EXPECT_EQ(Scan(std::string(64 << 10, 'x'), 0, &got).end, SegmentScan::End::kCorrupt);
}

class JournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("leadroute-journal-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  FaultEnv env_;
};

TEST_F(JournalTest, GroupCommitSharesSyncs) {
  Journal journal(&env_, dir_, SyncPolicy::kAlways);
  ASSERT_TRUE(journal.StartSegment(0).ok());
  const int base = env_.syncs;
  constexpr int kThreads = 8, kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        auto p = journal.Append("{\"x\":1}");
        ASSERT_TRUE(p.ok());
        ASSERT_TRUE(journal.SyncTo(*p).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(journal.position(), static_cast<std::uint64_t>(kThreads * kEach));
  // Never more syncs than records; with 8 writers usually far fewer.
  EXPECT_LE(env_.syncs - base, kThreads * kEach);
  auto bytes = env_.ReadFile(dir_ + "/" + SegmentName(0));
  ASSERT_TRUE(bytes.ok());
  std::vector<std::string> got;
  const SegmentScan scan = Scan(*bytes, 0, &got);
  EXPECT_EQ(scan.end, SegmentScan::End::kClean);
  EXPECT_EQ(scan.records, static_cast<std::uint64_t>(kThreads * kEach));
}

TEST_F(JournalTest, OtherPoliciesDoNotWaitForTheDisk) {
  for (SyncPolicy policy : {SyncPolicy::kInterval, SyncPolicy::kNever}) {
    Journal journal(&env_, dir_, policy);
    ASSERT_TRUE(journal.StartSegment(0).ok());
    const int base = env_.syncs;
    for (int i = 0; i < 10; ++i) {
      auto p = journal.Append("{}");
      ASSERT_TRUE(p.ok());
      ASSERT_TRUE(journal.SyncTo(*p).ok());
    }
    EXPECT_EQ(env_.syncs, base) << SyncPolicyName(policy);
    ASSERT_TRUE(journal.SyncAll().ok());
    EXPECT_EQ(env_.syncs, base + 1);
  }
}

TEST_F(JournalTest, AWriteErrorRefusesWritesUntilCleared) {
  Journal journal(&env_, dir_, SyncPolicy::kAlways);
  ASSERT_TRUE(journal.StartSegment(0).ok());
  ASSERT_TRUE(journal.Append("{\"a\":1}").ok());
  env_.fail_writes = true;
  auto failed = journal.Append("{\"a\":2}");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("No space left"), std::string_view::npos);
  env_.fail_writes = false;
  EXPECT_FALSE(journal.Append("{\"a\":3}").ok());  // still refused
  EXPECT_FALSE(journal.SyncTo(0).ok());
  EXPECT_EQ(journal.position(), 1u);  // nothing was assigned
  // A fresh segment, then (once a snapshot covers the doubt) writes resume.
  auto rotated = journal.Rotate();
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(*rotated, 1u);
  EXPECT_FALSE(journal.Append("{}").ok());
  journal.ClearFailure();
  auto p = journal.Append("{\"a\":4}");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, 1u);
  EXPECT_TRUE(journal.SyncTo(*p).ok());
}

TEST_F(JournalTest, ASyncErrorFailsTheWaitersAndLaterWrites) {
  Journal journal(&env_, dir_, SyncPolicy::kAlways);
  ASSERT_TRUE(journal.StartSegment(0).ok());
  auto p = journal.Append("{}");
  ASSERT_TRUE(p.ok());
  env_.fail_syncs = true;
  Status s = journal.SyncTo(*p);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not durable"), std::string_view::npos);
  env_.fail_syncs = false;
  EXPECT_FALSE(journal.Append("{}").ok());
  EXPECT_FALSE(journal.failure().ok());
}

}  // namespace
}  // namespace leadroute::store
