// The command line: run, compare, list, serve, and the window's flags
// (app/cli/commands.hpp has one file per command).
#pragma once

namespace loopscope {

// Exit codes: 0 ran, 1 failed while running, 2 bad input.
int cli_main(int argc, char** argv);

}  // namespace loopscope
