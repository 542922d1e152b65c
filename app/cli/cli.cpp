#include "app/cli/cli.hpp"

#include <cstring>
#include <exception>
#include <iostream>
#include <new>
#include <string_view>

#include "app/allocator.hpp"
#include "app/cli/commands.hpp"
#include "app/cli/flags.hpp"
#include "app/cli/output.hpp"

namespace loopscope {

namespace {

// Out of memory where no one can catch it (a handler, a destructor, a
// thread): one line and exit 1, not an abort.
[[noreturn]] void out_of_memory_or_abort() {
  if (const auto e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::bad_alloc&) {
      cli::out_of_memory();
    } catch (...) {
    }
  }
  if (allocation_failed()) cli::out_of_memory();
  std::abort();
}

// A subcommand's flags go after it; after "--" nothing is read (but by
// `trace`, whose script takes what follows it).
void refuse_misplaced(int argc, char** argv, const CLI::App& app, bool subcommand) {
  const bool script_args = subcommand && app.get_subcommands().front()->get_name() == "trace";
  for (int i = 1; i < argc && !script_args; ++i)
    if (std::strcmp(argv[i], "--") == 0)
      throw cli::usage_error("'--' ends the options, and loopscope takes no arguments after it");
  if (!subcommand) return;
  for (const CLI::Option* opt : app.get_options())
    if (opt->count() > 0 && opt->get_type_size() != 0)
      throw cli::usage_error(opt->get_name() + " is the window's; a command's flags go after its name");
}

}  // namespace

int cli_main(int argc, char** argv) {
  std::set_terminate(out_of_memory_or_abort);
  // Ctrl-C from the first moment: one pressed while the process starts is
  // answered as soon as a run begins. (The window and `serve` take the
  // signal over with their own ways of stopping.)
  cli::catch_interrupts();
  CLI::App app{
      "Loopscope: watch an event loop run real coroutines.\n"
      "With no command it opens the window; `run` and `compare` work without one."};
  app.set_version_flag("--version", "loopscope 0.1.0");
  app.require_subcommand(0, 1);
  const cli::command commands[] = {cli::add_run(app), cli::add_serve(app), cli::add_list(app), cli::add_compare(app),
                                   cli::add_trace(app)};
  const cli::command window = cli::add_window(app);
  cli::refuse_loose_values(app);

  std::vector<char*> args(argv, argv + argc);
  cli::drop_script_separator(app, args);
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "loopscope: error: " << e.what() << " (see loopscope --help)\n";
    return cli::exit_bad_input;
  }

  try {
    refuse_misplaced(argc, argv, app, !app.get_subcommands().empty());
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
    return window.run();
  } catch (const cli::usage_error& e) {
    std::cerr << "loopscope: error: " << e.what() << "\n";
    return cli::exit_bad_input;
  } catch (const std::bad_alloc&) {
    cli::out_of_memory();
  } catch (const std::exception& e) {
    std::cerr << "loopscope: failed: " << e.what() << "\n";
    return cli::exit_failed;
  }
}

}  // namespace loopscope
