#include "app/gui/code_page.hpp"

#include <imgui.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/gui/code_marks.hpp"
#include "core/cpython_run.hpp"

namespace loopscope::gui {

namespace {

constexpr std::size_t max_script = 256 * 1024;  // bytes the editor holds

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

code_page::code_page(tracer trace, std::string examples) : trace_(std::move(trace)), examples_(std::move(examples)) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(examples_, ec))
    if (e.path().extension() == ".py") example_names_.push_back(e.path().filename().string());
  std::sort(example_names_.begin(), example_names_.end());
  text_.assign(max_script, '\0');
  if (!load_example("gather.py") && !example_names_.empty()) load_example(example_names_.front());
}

bool code_page::load_example(const std::string& name) {
  if (std::find(example_names_.begin(), example_names_.end(), name) == example_names_.end()) return false;
  load((std::filesystem::path(examples_) / name).string());
  path_ = name;  // saved where the learner is, not over the example
  return true;
}

void code_page::load(const std::string& path) {
  const auto text = read_file(path);
  if (!text) {
    message_ = "Could not open " + path;
    message_ok_ = false;
    return;
  }
  if (text->size() >= max_script) {
    message_ = path + " is larger than the editor holds (256 KiB)";
    message_ok_ = false;
    return;
  }
  std::fill(text_.begin(), text_.end(), '\0');
  std::copy(text->begin(), text->end(), text_.begin());
  editor_.changed();
  message_ = "Opened " + path;
  message_ok_ = true;
}

void code_page::run() {
  if (!trace_) return;
  // The script as edited, in a file of its own for CPython to run.
  const std::string file =
      (std::filesystem::temp_directory_path() / ("loopscope_your_code_" + std::to_string(::getpid()) + ".py")).string();
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text_.data();
    if (!out) {
      message_ = "Could not write the script to " + file;
      message_ok_ = false;
      return;
    }
  }
  const clock_kind clock = real_clock_ ? clock_kind::real_clock : clock_kind::virtual_clock;
  run_plan plan;
  plan.count = 1;
  plan.recorded = true;
  stop_ = std::make_shared<std::atomic<bool>>(false);
  plan.make = [trace = trace_, file, clock, limit = static_cast<double>(limit_s_), stop = stop_](
                  std::size_t, clock_kind) { return trace(file, clock, limit, [stop] { return stop->load(); }); };
  runs_.reset(std::move(plan), false);
  runs_.run_to_end();
  running_ = true;
  message_ = real_clock_ ? "Running on the real clock (up to " + std::to_string(static_cast<int>(limit_s_)) + " s)..."
                         : "Running on the virtual clock...";
  message_ok_ = true;
}

void code_page::draw_console(float height) {
  ImGui::BeginChild("##console", ImVec2(0, height), true, ImGuiWindowFlags_HorizontalScrollbar);
  const auto* traced = runs_.size() == 1 ? dynamic_cast<const cpython_run*>(&runs_.run(0)) : nullptr;
  if (traced == nullptr) {
    ImGui::TextDisabled("What the script prints appears here, with the time it printed it.");
  } else {
    const palette& p = colors(true);
    if (const auto& f = traced->failure()) {
      ImGui::PushStyleColor(ImGuiCol_Text, p.warn);
      ImGui::TextWrapped("%s%s: %s", f->line > 0 ? ("line " + std::to_string(f->line) + ": ").c_str() : "",
                         f->type.c_str(), f->message.c_str());
      ImGui::PopStyleColor();
    }
    for (const auto& line : traced->output()) {
      ImGui::TextDisabled("%9s", format_seconds(line.t).c_str());
      ImGui::SameLine();
      if (line.t > runs_.cursor())  // not printed yet at the cursor
        ImGui::TextDisabled("%s", line.text.c_str());
      else if (line.stream == 2)
        ImGui::TextColored(vec(p.warn), "%s", line.text.c_str());
      else
        ImGui::TextUnformatted(line.text.c_str());
    }
    for (const auto& note : traced->notes()) ImGui::TextDisabled("note: %s", note.c_str());
    if (const auto& end = traced->ending(); end && end->how != "exit")
      ImGui::TextColored(vec(p.warn), "stopped: %s",
                         end->how == "time-limit" ? "it ran past the time limit" : end->how.c_str());
  }
  ImGui::EndChild();
}

std::optional<png_request> code_page::draw(double wall_dt, bool dark) {
  const palette& p = colors(dark);
  runs_.tick(wall_dt);
  if (running_ && !runs_.preparing()) {  // the run is in: say how it went
    running_ = false;
    message_ = runs_.size() == 1 ? "Ran " + path_ : std::string();
    message_ok_ = true;
  }
  ImGui::PushID("your code");
  ImGui::TextUnformatted("Your code");
  ImGui::SameLine();
  ImGui::TextDisabled("an asyncio script of yours, run by CPython under the tracer, drawn as the lessons are");
  if (!trace_) {
    ImGui::TextColored(vec(p.warn),
                       "No CPython 3.11 or later was found: install it (apt install python3) to run "
                       "scripts here.");
    ImGui::PopID();
    return std::nullopt;
  }
  const float em = ImGui::GetFontSize() / 16;

  // ---- The script: examples, a file, the clock, run ----
  ImGui::SetNextItemWidth(190 * em);
  if (ImGui::BeginCombo("##examples", "Start from an example")) {
    for (const auto& name : example_names_)
      if (ImGui::Selectable(name.c_str())) load_example(name);
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  char path[512];
  std::snprintf(path, sizeof path, "%s", path_.c_str());
  ImGui::SetNextItemWidth(180 * em);
  if (ImGui::InputText("##path", path, sizeof path)) path_ = path;
  ImGui::SameLine();
  if (ImGui::Button("Open")) load(path_);
  ImGui::SameLine();
  if (ImGui::Button("Save")) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out << text_.data();
    message_ = out ? "Saved " + path_ : "Could not save " + path_;
    message_ok_ = static_cast<bool>(out);
  }
  ImGui::SameLine(0, 16 * em);
  int clock = real_clock_ ? 1 : 0;
  ImGui::RadioButton("virtual", &clock, 0);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exact and instant: sleeps take no real time");
  ImGui::SameLine();
  ImGui::RadioButton("real clock", &clock, 1);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("For servers and real I/O: it runs for real, up to the limit");
  real_clock_ = clock == 1;
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * em);
  ImGui::SliderFloat("##limit", &limit_s_, 1, 120, "limit %.0f s");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A script still running after this much real time is stopped");
  ImGui::SameLine();
  const bool keyed = ImGui::GetIO().KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
  if (runs_.preparing() && stop_) {
    // Stopped as Ctrl-C stops it: asyncio.run cancels its tasks, and what
    // ran until then is drawn.
    if (ImGui::Button("Stop")) stop_->store(true);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Interrupt the script, as Ctrl-C would, and draw what it did");
  } else if (ImGui::Button("Run (Ctrl+Enter)") || keyed) {
    run();
  }
  if (!message_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(vec(message_ok_ ? p.text_dim : p.warn), "%s", message_.c_str());
  }

  // ---- The editor on the left, the run on the right ----
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::clamp(avail.x * 0.4f, 320 * em, 640 * em);
  ImGui::BeginChild("##editor side", ImVec2(left_w, 0), false);
  // At the cursor, where the script's tasks are; the line its error
  // points at.
  std::vector<line_note> notes;
  if (runs_.size() == 1) {
    const std::vector<marked_run> runs{{&runs_.run(0), &runs_.lanes(0)}};
    notes = notes_of(marks_at(runs, runs_.cursor()), runs, p);
    const auto* traced = dynamic_cast<const cpython_run*>(&runs_.run(0));
    if (const auto& f = traced != nullptr ? traced->failure() : std::nullopt; f && f->line > 0) {
      std::erase_if(notes, [&](const line_note& n) { return n.line == f->line; });
      notes.push_back({f->line, p.warn, "!", f->type, f->message});
      std::sort(notes.begin(), notes.end(), [](const line_note& a, const line_note& b) { return a.line < b.line; });
    }
  }
  editor_.draw("##script", text_, ImGui::GetContentRegionAvail().y - 150 * em, p, notes);
  draw_console(0);
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("##run side", ImVec2(0, 0), false);
  if (runs_.preparing()) {
    ImGui::Text("CPython is running the script... %.1f s", runs_.preparing_for_s());
  } else if (!runs_.current_notice().text.empty() && runs_.size() == 0) {
    ImGui::TextColored(vec(p.warn), "%s", runs_.current_notice().text.c_str());
  }
  std::optional<png_request> png;
  if (runs_.size() > 0) {
    // The recording, travelled: play it, step through it, go back.
    playback_request play = playback_.draw(runs_, false, false);
    play |= playback_bar::keys();
    runs_.apply(play);
    const runs_request r = body_.draw(runs_, dark);
    if (r.export_trace) runs_.set_notice(runs_.export_trace(*r.export_trace));
    png = r.png;
  } else if (!runs_.preparing()) {
    ImGui::TextDisabled(
        "Run the script to see its tasks here: each task a lane, every wait in the colour of what it "
        "waits for.");
  }
  ImGui::EndChild();
  ImGui::PopID();
  return png;
}

}  // namespace loopscope::gui
