#include "cli/settings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace leadroute::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"listen", true, ""}, {"threads", true, ""}, {"idle-seconds", true, ""},
    {"config", true, ""}, {"help", false, ""}};

class SettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            (std::string("leadroute-settings-") + std::to_string(::getpid()) + ".toml");
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    ::unsetenv("LEADROUTE_THREADS");
    ::unsetenv("LEADROUTE_LISTEN");
  }
  Flags Parse(std::vector<std::string> args) {
    auto f = Flags::Parse(args, kSpecs);
    EXPECT_TRUE(f.ok());
    return *f;
  }
  std::filesystem::path path_;
};

TEST_F(SettingsTest, FlagsBeatEnvironmentBeatsFile) {
  std::ofstream(path_) << "[server]\nlisten = \"0.0.0.0:1\"\nthreads = 3\nidle_seconds = 7\n"
                          "[conflict]\nreview_threshold = 0.4\n";
  ::setenv("LEADROUTE_THREADS", "5", 1);
  ::setenv("LEADROUTE_LISTEN", "127.0.0.1:2", 1);
  Flags flags = Parse({"--config", path_.string(), "--listen", "127.0.0.1:3"});
  ASSERT_TRUE(ApplySettings(kSpecs, &flags).ok());
  EXPECT_EQ(flags.Get("listen"), "127.0.0.1:3");  // flag
  EXPECT_EQ(flags.Get("threads"), "5");           // environment
  EXPECT_EQ(flags.Get("idle-seconds"), "7");      // file
}

TEST_F(SettingsTest, FileErrorsHaveTheirPosition) {
  std::ofstream(path_) << "[server]\nlisten = \"x\"\ncolour = \"red\"\nthreads = 1.5\n[nope]\n";
  Flags flags = Parse({"--config", path_.string()});
  const Status s = ApplySettings(kSpecs, &flags);
  ASSERT_FALSE(s.ok());
  const std::string m(s.message());
  EXPECT_NE(m.find(path_.string() + ":3:1: unknown key server.colour"), std::string::npos) << m;
  EXPECT_NE(m.find(path_.string() + ":4:11: server.threads must be a string or an integer"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find(":5:2: unknown section [nope]"), std::string::npos) << m;
}

// A value the file holds that its flag then refuses ("big" for a number)
// is reported at its place in the file; one from the environment under
// its variable's name; one from the command line as the flag.
TEST_F(SettingsTest, ValuesKeepWhereTheyCameFrom) {
  std::ofstream(path_) << "[server]\nthreads = 2\nidle_seconds = \"big\"\n";
  ::setenv("LEADROUTE_THREADS", "many", 1);
  Flags flags = Parse({"--config", path_.string(), "--listen", "nowhere"});
  ASSERT_TRUE(ApplySettings(kSpecs, &flags).ok());
  EXPECT_EQ(flags.Complaint("idle-seconds", "wants a number"),
            path_.string() + ":3:16: server.idle_seconds wants a number");
  EXPECT_EQ(flags.Complaint("threads", "wants a number"),
            "leadroute: LEADROUTE_THREADS wants a number");
  EXPECT_EQ(flags.Complaint("listen", "wants HOST:PORT"), "leadroute: --listen wants HOST:PORT");
}

// Everything wrong in the file at once: [conflict]'s errors too, and one
// setting given twice (regression: [conflict] was read only after the
// rest had passed; max_batch and max-batch, the later in the table won).
TEST_F(SettingsTest, EveryFileErrorAtOnce) {
  std::ofstream(path_) << "[server]\nthreads = 2\nidle_seconds = 3\nidle-seconds = 4\n"
                          "default_country = \"DE\"\ncolour = 1\n"
                          "[conflict]\nbaz = 2\nreview_threshold = 7\n"
                          "default_country = \"US\"\n";
  const std::vector<FlagSpec> specs = {{"threads", true, ""}, {"idle-seconds", true, ""},
                                       {"default-country", true, ""}, {"config", true, ""}};
  auto flags = Flags::Parse({"--config", path_.string()}, specs);
  ASSERT_TRUE(flags.ok());
  const Status s = ApplySettings(specs, &*flags);
  ASSERT_FALSE(s.ok());
  const std::string m(s.message());
  EXPECT_NE(m.find(":4:1: server.idle-seconds is given twice (also at " + path_.string() + ":3:1)"),
            std::string::npos) << m;
  EXPECT_NE(m.find(":6:1: unknown key server.colour"), std::string::npos) << m;
  EXPECT_NE(m.find(":8:1: unknown key conflict.baz"), std::string::npos) << m;
  EXPECT_NE(m.find(":9:20: review_threshold"), std::string::npos) << m;
  EXPECT_NE(m.find(":10:19: default_country is set in [server] and in [conflict]"),
            std::string::npos) << m;
}

// One file for serve and bench-rules: the server's settings a command does
// not take are passed over, not refused (regression: bench-rules --config
// refused max_line), and not applied.
TEST_F(SettingsTest, AnotherCommandsSettingsArePassedOver) {
  std::ofstream(path_) << "[server]\nthreads = 2\nlisten = \"127.0.0.1:9\"\nidle_seconds = 3\n";
  const std::vector<FlagSpec> own = {{"threads", true, ""}, {"config", true, ""}};
  auto flags = Flags::Parse({"--config", path_.string()}, own);
  ASSERT_TRUE(flags.ok());
  ASSERT_TRUE(ApplySettings(own, &*flags, kSpecs).ok());
  EXPECT_EQ(flags->Get("threads"), "2");
  EXPECT_EQ(flags->Get("listen"), std::nullopt);
  // Without the shared list, the same keys are unknown.
  auto alone = Flags::Parse({"--config", path_.string()}, own);
  ASSERT_TRUE(alone.ok());
  EXPECT_FALSE(ApplySettings(own, &*alone).ok());
}

// An empty variable is no setting (regression: LEADROUTE_DATA= served with
// no data directory; LEADROUTE_RULES= read /policy.toml).
TEST_F(SettingsTest, AnEmptyVariableIsUnset) {
  ::setenv("LEADROUTE_THREADS", "", 1);
  ::setenv("LEADROUTE_LISTEN", "127.0.0.1:2", 1);
  Flags flags = Parse({});
  ASSERT_TRUE(ApplySettings(kSpecs, &flags).ok());
  EXPECT_EQ(flags.Get("threads"), std::nullopt);
  EXPECT_EQ(flags.Get("listen"), "127.0.0.1:2");
}

}  // namespace
}  // namespace leadroute::cli
