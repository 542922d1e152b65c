#include "core/cpython_run.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <tuple>

namespace loopscope {

// ---- One line: a JSON array of whole numbers, strings and what is skipped ----

// A field of a line. Strings view the line, or a decoded copy when they
// hold escapes; anything else (a float, an object, null) is `other`.
struct tracer_stream_reader::token {
  enum kind_t : std::uint8_t { integer, string, other } kind = other;
  std::int64_t i = 0;
  std::string_view s;
};

struct tracer_stream_reader::task {
  std::int64_t parent = 0;
  std::string name;
  std::string coro;
  nanos last = 0;  // its latest time: a lane's times never go back
  lane_state state = lane_state::ready;
  bool made = false;   // an `n` line declared it
  bool ended = false;  // done, failed, cancelled or collected
  struct block {
    nanos t0, t1;
    site_id site;
  };
  std::vector<block> blocks;  // blocking calls inside the step under way
};

struct tracer_stream_reader::job {
  std::int64_t pool;
  std::int64_t worker;
  nanos start, end;
  std::string function;
};

namespace {

constexpr std::int64_t max_id = 50'000'000;  // ids past this are junk, not a program

const char* skip_space(const char* p, const char* end) {
  while (p != end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
  return p;
}

void put_utf8(std::string& out, std::uint32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xc0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xe0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else {
    out.push_back(static_cast<char>(0xf0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
}

bool hex4(const char*& p, const char* end, std::uint32_t& out) {
  if (end - p < 4) return false;
  out = 0;
  for (int k = 0; k < 4; ++k, ++p) {
    const char c = *p;
    out <<= 4;
    if (c >= '0' && c <= '9')
      out |= static_cast<std::uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f')
      out |= static_cast<std::uint32_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      out |= static_cast<std::uint32_t>(c - 'A' + 10);
    else
      return false;
  }
  return true;
}

// A string from its opening quote: its text, decoded into `scratch` when
// it has escapes. Returns the position after the closing quote, or null.
const char* read_string(const char* p, const char* end, std::string_view& out, std::deque<std::string>& scratch) {
  const char* start = ++p;
  while (p != end && *p != '"' && *p != '\\') ++p;
  if (p == end) return nullptr;
  if (*p == '"') {
    out = std::string_view(start, static_cast<std::size_t>(p - start));
    return p + 1;
  }
  std::string& s = scratch.emplace_back(start, p);
  while (p != end && *p != '"') {
    if (*p != '\\') {
      s.push_back(*p++);
      continue;
    }
    if (++p == end) return nullptr;
    const char c = *p++;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        s.push_back(c);
        break;
      case 'b':
        s.push_back('\b');
        break;
      case 'f':
        s.push_back('\f');
        break;
      case 'n':
        s.push_back('\n');
        break;
      case 'r':
        s.push_back('\r');
        break;
      case 't':
        s.push_back('\t');
        break;
      case 'u': {
        std::uint32_t u = 0;
        if (!hex4(p, end, u)) return nullptr;
        if (u >= 0xd800 && u < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
          const char* q = p + 2;
          std::uint32_t low = 0;
          if (hex4(q, end, low) && low >= 0xdc00 && low < 0xe000) {
            u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
            p = q;
          }
        }
        put_utf8(s, u);
        break;
      }
      default:
        return nullptr;
    }
  }
  if (p == end) return nullptr;
  out = s;
  return p + 1;
}

// Skips a value this reader does not read (a float, true, an object, an
// array): to the comma or bracket that ends it at depth 0.
const char* skip_value(const char* p, const char* end) {
  int depth = 0;
  while (p != end) {
    const char c = *p;
    if (c == '"') {
      for (++p; p != end && *p != '"'; ++p)
        if (*p == '\\' && ++p == end) return nullptr;
      if (p == end) return nullptr;
      ++p;
      continue;
    }
    if (c == '[' || c == '{') ++depth;
    if (c == ']' || c == '}') {
      if (depth == 0) return p;
      --depth;
    }
    if (c == ',' && depth == 0) return p;
    ++p;
  }
  return depth == 0 ? p : nullptr;
}

}  // namespace

std::string tracer_stream_reader::split(std::string_view text) {
  fields_.clear();
  unescaped_.clear();
  const char* p = skip_space(text.data(), text.data() + text.size());
  const char* end = text.data() + text.size();
  if (p == end || *p != '[') return "not a JSON array";
  p = skip_space(p + 1, end);
  if (p != end && *p == ']') return "an empty array";
  for (;;) {
    token f;
    if (p == end) return "the array is not closed";
    if (*p == '"') {
      f.kind = token::string;
      p = read_string(p, end, f.s, unescaped_);
      if (p == nullptr) return "a string is not closed, or has a bad escape";
    } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
      const auto [q, ec] = std::from_chars(p, end, f.i);
      if (ec == std::errc() && (q == end || (*q != '.' && *q != 'e' && *q != 'E'))) {
        f.kind = token::integer;
        p = q;
      } else {
        p = skip_value(p, end);
      }
    } else {
      p = skip_value(p, end);
    }
    if (p == nullptr) return "a value is not closed";
    fields_.push_back(f);
    p = skip_space(p, end);
    if (p == end) return "the array is not closed";
    if (*p == ']') break;
    if (*p != ',') return std::string("'") + *p + "' where a comma was expected";
    p = skip_space(p + 1, end);
  }
  if (skip_space(p + 1, end) != end) return "more after the array";
  if (fields_.front().kind != token::string) return "its first element is not a kind";
  return {};
}

tracer_stream_reader::tracer_stream_reader() : run_(new cpython_run) {}
tracer_stream_reader::~tracer_stream_reader() = default;

void tracer_stream_reader::fail(const std::string& why) const {
  throw stream_error("line " + std::to_string(line_no_) + ": " + why);
}

void tracer_stream_reader::feed(std::string_view bytes) {
  // Whole lines straight from the bytes given; only a line cut between two
  // pieces is copied.
  if (!pending_.empty()) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) {
      pending_.append(bytes);
      return;
    }
    pending_.append(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
    const std::string whole = std::move(pending_);
    pending_.clear();
    line(whole);
  }
  for (;;) {
    const auto nl = bytes.find('\n');
    if (nl == std::string_view::npos) break;
    line(bytes.substr(0, nl));
    bytes.remove_prefix(nl + 1);
  }
  pending_.append(bytes);
}

void tracer_stream_reader::line(std::string_view text) {
  ++line_no_;
  if (skip_space(text.data(), text.data() + text.size()) == text.data() + text.size()) return;
  if (const std::string wrong = split(text); !wrong.empty()) {
    if (!header_seen_ && line_no_ == 1) fail("not the tracer's event stream (" + wrong + ")");
    fail("malformed: " + wrong);
  }
  if (!header_seen_ && fields_.front().s != "h")
    fail("not the tracer's event stream: it does not start with a header line");
  apply(fields_);
}

const std::string& tracer_stream_reader::text_of(std::int64_t id) {
  static const std::string none;
  if (id == 0) return none;
  if (id < 0 || static_cast<std::size_t>(id) >= strings_.size())
    fail("string " + std::to_string(id) + " was never declared");
  return strings_[static_cast<std::size_t>(id)];
}

tracer_stream_reader::task& tracer_stream_reader::task_of(std::int64_t tid) {
  if (tid <= 0 || static_cast<std::size_t>(tid) > tasks_.size() || !tasks_[static_cast<std::size_t>(tid - 1)].made)
    fail("task " + std::to_string(tid) + " was never created");
  return tasks_[static_cast<std::size_t>(tid - 1)];
}

site_id tracer_stream_reader::site_of(std::int64_t file, std::int64_t line) {
  if (file == 0 && line == 0) return no_site;
  const std::string& path = text_of(file);
  const std::uint64_t key = (static_cast<std::uint64_t>(file) << 32) | static_cast<std::uint32_t>(line);
  if (const auto it = site_ids_.find(key); it != site_ids_.end()) return it->second;
  if (sites_.size() >= 0xfffe) return no_site;  // the trace holds this many places; later ones go unnamed
  sites_.push_back(code_site{path, static_cast<std::uint32_t>(std::max<std::int64_t>(line, 0)), {}});
  const auto id = static_cast<site_id>(sites_.size());
  site_ids_.emplace(key, id);
  return id;
}

void tracer_stream_reader::emit(task& t, lane_id lane, nanos at, lane_state state, std::uint8_t detail, site_id site) {
  // Per task the tracer's times never go back; a stream that says
  // otherwise is drawn in order rather than refused.
  at = std::max(at, t.last);
  t.last = at;
  t.state = state;
  // Straight into the run's trace (chunks that never move); the lanes the
  // events name are made at the end, once every task's name is known.
  run_->trace_.record(0, trace_event{at, lane, state, detail, site});
  seen(at);
}

namespace {

wait_reason reason_of(std::string_view r) {
  if (r == "timer") return wait_reason::timer;
  if (r == "semaphore") return wait_reason::semaphore;
  if (r == "lock") return wait_reason::lock;
  if (r == "event" || r == "condition") return wait_reason::event;
  if (r == "queue") return wait_reason::queue;
  if (r == "child") return wait_reason::child;
  if (r == "thread") return wait_reason::thread_pool;
  if (r == "io") return wait_reason::io;
  return wait_reason::none;  // a reason a later tracer added
}

std::string as_python_prints(std::string_view type, std::string_view message) {
  std::string s(type);
  if (!message.empty()) s.append(": ").append(message);
  return s;
}

// A task's default name says nothing a learner wrote; its coroutine does.
bool default_name(std::string_view name) {
  if (name.substr(0, 5) != "Task-" || name.size() == 5) return false;
  return std::all_of(name.begin() + 5, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void tracer_stream_reader::apply(const std::vector<token>& f) {
  const std::string_view kind = f[0].s;
  auto need = [&](std::size_t n) {
    if (f.size() < n)
      fail("a '" + std::string(kind) + "' line needs " + std::to_string(n - 1) + " fields, it has " +
           std::to_string(f.size() - 1));
  };
  auto num = [&](std::size_t k) {
    if (f[k].kind != token::integer)
      fail("field " + std::to_string(k) + " of a '" + std::string(kind) + "' line is not a whole number");
    return f[k].i;
  };
  auto str = [&](std::size_t k) {
    if (f[k].kind != token::string)
      fail("field " + std::to_string(k) + " of a '" + std::string(kind) + "' line is not a string");
    return f[k].s;
  };
  auto lane_of = [](std::int64_t tid) { return static_cast<lane_id>(tid - 1); };
  cpython_run& run = *run_;
  if (kind.size() != 1) return;  // a kind this reader does not know
  switch (kind[0]) {
    case 'h': {
      need(5);
      if (header_seen_) fail("a second header");
      if (num(1) != 1) fail("protocol version " + std::to_string(num(1)) + "; this Loopscope reads version 1");
      run.python_ = str(2);
      const std::string_view clock = str(3);
      if (clock != "virtual" && clock != "real") fail("clock '" + std::string(clock) + "' is neither virtual nor real");
      run.clock_ = clock == "real" ? clock_kind::real_clock : clock_kind::virtual_clock;
      run.script_ = str(4);
      header_seen_ = true;
      return;
    }
    case 'i': {
      need(3);
      const std::int64_t id = num(1);
      if (id <= 0 || id > max_id) fail("string id " + std::to_string(id) + " is out of range");
      if (static_cast<std::size_t>(id) >= strings_.size()) strings_.resize(static_cast<std::size_t>(id) + 1);
      strings_[static_cast<std::size_t>(id)] = str(2);
      return;
    }
    case 'n': {
      need(8);
      const std::int64_t tid = num(1);
      if (tid <= 0 || tid > max_id) fail("task id " + std::to_string(tid) + " is out of range");
      if (static_cast<std::size_t>(tid) <= tasks_.size() && tasks_[static_cast<std::size_t>(tid - 1)].made)
        fail("task " + std::to_string(tid) + " is created twice");
      if (static_cast<std::size_t>(tid) > tasks_.size()) tasks_.resize(static_cast<std::size_t>(tid));
      task& t = tasks_[static_cast<std::size_t>(tid - 1)];
      t.made = true;
      t.parent = num(3);
      t.name = str(4);
      t.coro = text_of(num(5));
      const nanos at = num(2);
      t.last = at;
      emit(t, lane_of(tid), at, lane_state::ready);
      return;
    }
    case 'a': {
      need(3);
      task_of(num(1)).name = str(2);
      return;
    }
    case 'r': {
      need(3);
      task& t = task_of(num(1));
      if (t.state == lane_state::waiting) emit(t, lane_of(num(1)), num(2), lane_state::ready);
      return;
    }
    case 's': {
      need(4);
      const std::int64_t tid = num(1);
      task& t = task_of(tid);
      if (t.ended) fail("task " + std::to_string(tid) + " runs after its end");
      const lane_id lane = lane_of(tid);
      const nanos t0 = std::max<nanos>(num(2), t.last), t1 = std::max<nanos>(num(3), t0);
      ++run.steps_;
      emit(t, lane, t0, lane_state::running, static_cast<std::uint8_t>(run_kind::code));
      // The blocking calls it made, as slices of their own in the step.
      for (const auto& b : t.blocks) {
        const nanos b0 = std::clamp(b.t0, t.last, t1), b1 = std::clamp(b.t1, b0, t1);
        emit(t, lane, b0, lane_state::running, static_cast<std::uint8_t>(run_kind::blocking), b.site);
        if (b1 < t1) emit(t, lane, b1, lane_state::running, static_cast<std::uint8_t>(run_kind::code));
      }
      t.blocks.clear();
      if (f.size() == 4) {
        emit(t, lane, t1, lane_state::ready);
        return;
      }
      const std::string_view outcome = str(4);
      if (outcome == "done" || outcome == "cancelled") {
        emit(t, lane, t1, outcome == "done" ? lane_state::done : lane_state::cancelled);
        t.ended = true;
        if (outcome == "cancelled") lane_notes_.push_back({lane, "cancelled (CancelledError)"});
      } else if (outcome == "failed") {
        need(9);
        emit(t, lane, t1, lane_state::failed, 0, site_of(num(7), num(8)));
        t.ended = true;
        lane_notes_.push_back({lane, as_python_prints(str(5), str(6))});
      } else {
        need(7);
        emit(t, lane, t1, lane_state::waiting, static_cast<std::uint8_t>(reason_of(outcome)), site_of(num(5), num(6)));
      }
      return;
    }
    case 'g': {
      need(3);
      task& t = task_of(num(1));
      if (t.ended) return;
      emit(t, lane_of(num(1)), num(2), lane_state::cancelled);
      t.ended = true;
      lane_notes_.push_back({lane_of(num(1)), "garbage-collected while pending: nothing kept a reference to it"});
      return;
    }
    case 'b': {
      need(6);
      seen(num(3));
      if (num(1) == 0) return;  // inside a callback, not a task: no lane to draw it on
      task_of(num(1)).blocks.push_back({num(2), std::max(num(2), num(3)), site_of(num(4), num(5))});
      return;
    }
    case 'p': {
      need(4);
      const std::int64_t workers = num(2);
      if (workers <= 0 || workers > 100'000) fail("a pool of " + std::to_string(workers) + " workers");
      pools_.push_back({num(1), {static_cast<int>(workers), std::string(str(3))}});
      return;
    }
    case 'j': {
      need(10);
      const std::int64_t pool = num(2), worker = num(3);
      const auto known = std::find_if(pools_.begin(), pools_.end(), [&](const auto& p) { return p.first == pool; });
      if (known == pools_.end()) fail("pool " + std::to_string(pool) + " was never declared");
      if (worker < 0 || worker >= known->second.first)
        fail("worker " + std::to_string(worker) + " is not in pool " + std::to_string(pool));
      if (str(9) == "cancelled") return;  // never ran: nothing on a worker's lane
      const nanos start = num(6), end = std::max(num(7), start);
      jobs_.push_back({pool, worker, start, end, text_of(num(8))});
      seen(end);
      return;
    }
    case 'o': {
      need(4);
      run.output_.push_back({num(1), static_cast<int>(num(2)), std::string(str(3))});
      seen(num(1));
      return;
    }
    case 'm':
      need(3);
      run.notes_.emplace_back(str(2));
      return;
    case 'l':
      need(4);
      seen(num(1));
      return;
    case 'x': {
      need(6);
      run.failure_ =
          script_failure{num(1), std::string(str(2)), std::string(str(3)), text_of(num(4)), static_cast<int>(num(5))};
      return;
    }
    case 'e': {
      need(5);
      run.end_ = script_end{num(1), std::string(str(2)), static_cast<int>(num(3)), num(4)};
      seen(num(1));
      return;
    }
    default:
      return;  // a kind this reader does not know
  }
}

std::unique_ptr<cpython_run> tracer_stream_reader::finish(std::string variant) {
  cpython_run& run = *run_;
  run.truncated_ = !pending_.empty();
  pending_.clear();
  if (!header_seen_)
    throw stream_error(line_no_ == 0 ? "the event stream is empty: the tracer wrote nothing"
                                     : "not the tracer's event stream: no header line");
  run.lines_ = line_no_;
  run.now_ = run.end_ ? std::max(run.end_->t, nanos{0}) : last_time_;
  loopscope::trace& tr = run.trace_;
  tr.set_real_time(run.clock_ == clock_kind::real_clock);

  // Tasks first, lane tid - 1, so that task lanes are one run of ids.
  // A task Python named "Task-7" is named after its coroutine, numbered
  // among the tasks of that coroutine when there are several: "fetch_page 3".
  std::unordered_map<std::string, int> per_coro, numbered;
  for (const task& t : tasks_)
    if (t.made && default_name(t.name) && !t.coro.empty()) ++per_coro[t.coro];
  std::vector<lane_id> task_lanes;
  for (std::size_t i = 0; i < tasks_.size(); ++i) {
    const task& t = tasks_[i];
    const lane_id parent = t.parent > 0 && static_cast<std::size_t>(t.parent) <= tasks_.size()
                               ? static_cast<lane_id>(t.parent - 1)
                               : no_lane;
    std::string name = t.name;
    if (!t.made)
      name = "(unreported task " + std::to_string(i + 1) + ")";
    else if (default_name(t.name) && !t.coro.empty())
      name = per_coro[t.coro] > 1 ? t.coro + " " + std::to_string(++numbered[t.coro]) : t.coro;
    const lane_id lane = tr.add_lane(i == 0 ? lane_kind::main : lane_kind::task, std::move(name), parent);
    if (i > 0) task_lanes.push_back(lane);
    if (t.made && !t.ended) ++run.live_;
  }
  for (auto& s : sites_) tr.add_site(std::move(s));
  for (const note_entry& n : lane_notes_) tr.add_note(n.lane, n.text);

  // Then the workers that ran a job, each idle but for its jobs.
  std::stable_sort(jobs_.begin(), jobs_.end(), [](const job& a, const job& b) {
    return std::tie(a.pool, a.worker, a.start) < std::tie(b.pool, b.worker, b.start);
  });
  for (std::size_t k = 0; k < jobs_.size();) {
    const job& first = jobs_[k];
    const auto pool = std::find_if(pools_.begin(), pools_.end(), [&](const auto& p) { return p.first == first.pool; });
    const lane_id lane =
        tr.add_lane(lane_kind::worker, pool->second.second + " worker " + std::to_string(first.worker + 1));
    tr.record(0, trace_event{0, lane, lane_state::idle, 0});
    nanos last = 0;
    for (; k < jobs_.size() && jobs_[k].pool == first.pool && jobs_[k].worker == first.worker; ++k) {
      const nanos start = std::max(jobs_[k].start, last);
      last = std::max(jobs_[k].end, start);
      tr.record(0, trace_event{start, lane, lane_state::running, static_cast<std::uint8_t>(run_kind::code)});
      tr.record(0, trace_event{last, lane, lane_state::idle, 0});
    }
  }

  const std::string name_of_script = run.script_.substr(run.script_.find_last_of('/') + 1);
  run.set_identity(variant.empty() ? name_of_script + " on CPython " + run.python_ : std::move(variant),
                   tasks_.empty() ? no_lane : lane_id{0}, std::move(task_lanes));
  // The main task's end is when asyncio.run's await returned, or raised.
  nanos returned = -1;
  std::string raised;
  if (!tasks_.empty() && tasks_[0].ended) {
    returned = tasks_[0].last;
    if (tasks_[0].state == lane_state::cancelled) raised = "CancelledError";
    for (const note_entry& n : lane_notes_)
      if (n.lane == 0 && tasks_[0].state == lane_state::failed) raised = n.text;
  }
  run.set_outcome(returned, std::move(raised));
  return std::move(run_);
}

std::unique_ptr<cpython_run> read_tracer_file(const std::string& path, std::string variant) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read '" + path + "'");
  tracer_stream_reader reader;
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    reader.feed(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
  }
  return reader.finish(std::move(variant));
}

}  // namespace loopscope
