// AcceptedScripts: the scripts the API parsed when it accepted a
// GenerateDISyncTaskConfigForCreating, handed to the worker that runs the
// process, so that the worker need not parse the TaskParam a second time.
//
// The worker reads the script again against the workspace because the
// workspace may have changed since the script was accepted.
// A parse depends on the TaskParam, which is stored and does not change, and
// on the answers the workspace gave (ScriptReferences: which data sources
// exist and of what type, which resource groups exist). The API parses
// through a RecordingReferences, which keeps those answers; the worker asks
// the same questions again (TakeIfStillValid) and takes the parsed script
// only if every answer is the same. Otherwise, or when the script is not
// here (another node accepted it, disyncd restarted, it was dropped), the
// worker parses the stored TaskParam as before, and reports the problems a
// changed workspace causes.
//
// For 10,000 tables the parse took 14 ms of CPU before discovery could
// start, and its DOM about 1,200 page faults (bench/README.md).
//
// Bounded: at most kMaxScripts are held, selecting at most kMaxTables tables
// in all (a 4 MB TaskParam selects some 200,000); the oldest are dropped to
// make room, and a script larger than the whole budget is not kept. A script
// is handed out once. Thread-safe.
#ifndef DISYNC_JOBS_ACCEPTED_SCRIPTS_H_
#define DISYNC_JOBS_ACCEPTED_SCRIPTS_H_

#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "di/realtime_script.h"

namespace disync::jobs {

// What a workspace answered to a parse: every question, in the order asked
// (a name asked twice is kept twice).
struct ReferenceAnswers {
  std::vector<std::pair<std::string, std::optional<std::string>>> data_source_types;
  std::vector<std::pair<std::string, bool>> resource_groups;

  // Whether `now` gives every answer again.
  bool StillHold(const di::ScriptReferences& now) const;
};

// Passes every question to `inner` and keeps the answers. Thread-compatible
// (one per parse).
class RecordingReferences final : public di::ScriptReferences {
 public:
  explicit RecordingReferences(const di::ScriptReferences& inner) : inner_(inner) {}

  std::optional<std::string> DataSourceType(const std::string& name) const override;
  bool ResourceGroupExists(const std::string& identifier) const override;

  ReferenceAnswers TakeAnswers() { return std::move(answers_); }

 private:
  const di::ScriptReferences& inner_;
  mutable ReferenceAnswers answers_;
};

class AcceptedScripts {
 public:
  static constexpr size_t kMaxScripts = 16;
  static constexpr size_t kMaxTables = 400'000;

  void Put(ProcessId id, di::RealtimeScript script, ReferenceAnswers answers);

  // The script of `id`, removed from here, if `now` answers as the workspace
  // did when it was parsed; nullopt otherwise (then it is dropped as well).
  std::optional<di::RealtimeScript> TakeIfStillValid(ProcessId id, const di::ScriptReferences& now);

  size_t SizeForTest() const;

 private:
  struct Accepted {
    di::RealtimeScript script;
    ReferenceAnswers answers;
    size_t tables = 0;
  };

  // Removes the script of `id` (which must be here).
  void EraseLocked(std::map<int64_t, Accepted>::iterator it);

  mutable std::mutex mu_;
  std::map<int64_t, Accepted> scripts_;  // guarded by mu_
  std::deque<int64_t> order_;            // guarded by mu_; oldest first
  size_t tables_ = 0;                    // guarded by mu_; of all scripts_
};

}  // namespace disync::jobs

#endif  // DISYNC_JOBS_ACCEPTED_SCRIPTS_H_
