// GenerationRunner: what a worker does with one process of
// GenerateDISyncTaskConfigForCreating (generation.md section 1, steps 2-4):
// re-read the script against the workspace, connect to every source data
// source, discover the selected tables with a constant number of metadata
// queries per database, and render the TaskContent. A process of kind
// "update" (GenerateDISyncTaskConfigForUpdating) applies its update script to
// the task's current TaskContent (di/task_update.h), discovering and
// rendering only the tables it adds; a task gone meanwhile fails it with
// "fileId:[N] is invalid.".
//
// Failures come back as an Error whose message names the data source, the
// database, the table and the cause. Blocking (store and source databases);
// thread-safe (no mutable state of its own). Run() starts up to
// discovery_connections threads of its own and one that renders, and joins
// them before it returns; `progress` is called on the caller's thread only.
#ifndef DISYNC_JOBS_GENERATION_RUNNER_H_
#define DISYNC_JOBS_GENERATION_RUNNER_H_

#include <chrono>
#include <functional>
#include <string>

#include "common/result.h"
#include "common/text_pieces.h"
#include "jobs/accepted_scripts.h"
#include "store/metadata_store.h"

namespace disync::jobs {

// Reports discovery progress: tables done out of total.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Returns the TaskContent (in the pieces it was rendered in), or the
  // reason the process fails.
  virtual Result<TextPieces> Run(const store::Process& process, const ProgressFn& progress) = 0;
};

struct GenerationOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{60000};
  // Connections one process opens to a source at most, each describing one
  // database, or part of one, at a time.
  int discovery_connections = 2;
  // A database selected with more tables than this is read in parts of at
  // most this many (each one query per catalog table, `IN (...)`), so that
  // the connections share it and its first parts are rendered while the
  // rest is read. 0: whole databases. No more than the connectors name in
  // one query (connectors::internal::kMaxTablesInFilter, 1000): a larger
  // part would read its whole database. gen_scale, one database of 10,000
  // tables: parts of 1000 gave 1.33-1.77, of 500 1.53-1.75, of 250
  // 2.01-2.09 (bench/README.md).
  size_t tables_per_query = 1000;
  // How often discovery progress is reported while databases are read.
  std::chrono::milliseconds progress_poll{100};
};

class GenerationRunner final : public ProcessRunner {
 public:
  // `accepted` (may be null) holds the scripts the API parsed
  // (AcceptedScripts); a process whose script is there is not parsed again.
  GenerationRunner(store::MetadataStore& store, GenerationOptions options,
                   AcceptedScripts* accepted = nullptr)
      : store_(store), options_(options), accepted_(accepted) {}

  Result<TextPieces> Run(const store::Process& process, const ProgressFn& progress) override;

 private:
  store::MetadataStore& store_;
  const GenerationOptions options_;
  AcceptedScripts* const accepted_;
};

}  // namespace disync::jobs

#endif  // DISYNC_JOBS_GENERATION_RUNNER_H_
