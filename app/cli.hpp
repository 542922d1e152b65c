// The command line: `loopscope run`, `loopscope compare`.
#pragma once

namespace loopscope {

// Exit codes: 0 ran, 1 failed while running, 2 bad input.
int cli_main(int argc, char** argv);

}  // namespace loopscope
