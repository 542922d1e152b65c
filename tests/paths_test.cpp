// Where the program finds its tracer and assets: beside the executable when
// installed (wherever the tree was put), the source tree from a build folder.
#include "app/paths.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace fs = std::filesystem;
using namespace loopscope;

namespace {

// A scratch folder, removed with everything in it when the test ends.
struct scratch {
  fs::path dir = fs::temp_directory_path() / ("loopscope_paths_test_" + std::to_string(::getpid()));
  scratch() { fs::create_directories(dir); }
  ~scratch() { fs::remove_all(dir); }
};

}  // namespace

TEST_SUITE("paths") {
  TEST_CASE("an installed tree is found beside the executable, wherever it was put") {
    scratch s;
    for (const char* prefix : {"usr", "opt/somewhere/else"}) {
      const fs::path root = s.dir / prefix;
      fs::create_directories(root / "bin");
      fs::create_directories(root / "share" / "loopscope");
      CHECK(data_dir_for(root / "bin") == root / "share" / "loopscope");
    }
  }

  TEST_CASE("without an installed tree, the source tree it was built from") {
    scratch s;
    fs::create_directories(s.dir / "bin");
    for (const fs::path& exe_dir : {s.dir / "bin", fs::path{}}) {
      const fs::path d = data_dir_for(exe_dir);
      CHECK(fs::is_regular_file(d / "tracer" / "loopscope_trace.py"));
      CHECK(fs::is_directory(d / "assets"));
    }
  }

  TEST_CASE("this binary, in the build folder, reads the tracer and assets of the source tree") {
    CHECK(executable_dir().filename() == "tests");
    CHECK(fs::equivalent(tracer_script(), LOOPSCOPE_TRACER));
    CHECK(fs::is_regular_file(asset_dir() / "loopscope.svg"));
  }
}
