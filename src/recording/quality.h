#pragma once
// Quality inspection: score forms (weighted criteria), supervisors' scores
// of recordings with per-criterion points and comments, agents' view of
// their scores, and averages per agent over a period (migration 1001).
//
// A form's weights are percentages summing to 100; a criterion scored p of
// its maxPoints contributes weight * p / maxPoints, so a total is 0..100.
// A form that has scores is frozen (a changed form would rewrite history):
// create a new one and deactivate the old.
//
// Threads: validation functions are pure (any thread); QualityRepo methods
// are database round trips (service plane only).
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/db.h"
#include "store/store.h"

namespace hujiao::recording {

struct Criterion {
  std::string id;  // unique within the form, e.g. "greeting"
  std::string name;
  std::string description;
  double weight = 0;   // percent, > 0; a form's weights sum to 100
  int maxPoints = 10;  // 1..100
};

struct ScoreForm {
  std::string id;
  std::string name;
  std::string description;
  std::vector<Criterion> criteria;
  bool active = true;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct CriterionScore {
  std::string criterionId;
  int points = 0;  // 0..maxPoints
  std::string comment;
};

struct Score {
  std::string id;
  std::string recordingId;
  std::string formId;
  std::string supervisorId;  // who scored
  // Copied from the recording when scored (filters, visibility):
  std::string agentId;
  std::string departmentId;
  int64_t recordingStartUs = 0;
  std::vector<CriterionScore> items;
  double total = 0;  // 0..100, computed
  std::string comment;
  int64_t createdUs = 0;
  int64_t updatedUs = 0;
};

struct ScoreAggregate {
  std::string agentId;
  int64_t count = 0;
  double average = 0;
  double min = 0;
  double max = 0;
};

struct ScoreQuery {
  std::string agentId;
  std::string formId;
  int64_t fromUs = 0;  // on the recording's start; 0 = open
  int64_t toUs = 0;
  std::vector<std::string> departmentIds;  // visibility; empty = unrestricted
  int64_t limit = 50;
  int64_t offset = 0;
};

/// "invalid" naming the problem: name, 1..50 criteria, unique non-empty ids,
/// weights > 0 summing to 100 (within 0.01), maxPoints 1..100.
core::Result<void> validateForm(const ScoreForm& form);
/// Every criterion scored exactly once within 0..maxPoints; returns the total.
core::Result<double> computeTotal(const ScoreForm& form, const std::vector<CriterionScore>& items);

class QualityRepo {
 public:
  explicit QualityRepo(store::Db& db) : db_(db) {}

  core::Result<ScoreForm> createForm(ScoreForm f);
  core::Result<ScoreForm> getForm(const std::string& id);
  /// "conflict" once the form has scores (only `active` may still change).
  core::Result<ScoreForm> updateForm(const ScoreForm& f);
  core::Result<std::vector<ScoreForm>> listForms(bool activeOnly);

  /// Scores a stored recording with an active form. Fills id, total, and the
  /// recording's agent, department and start. "conflict" if this supervisor
  /// already scored it with this form; "invalid" for one's own recording.
  core::Result<Score> addScore(Score s);
  /// New points/comments by the same supervisor ("forbidden" otherwise).
  core::Result<Score> updateScore(const std::string& id, const std::string& supervisorId,
                                  const std::vector<CriterionScore>& items, const std::string& comment);
  core::Result<Score> getScore(const std::string& id);
  core::Result<std::vector<Score>> scoresForRecording(const std::string& recordingId);
  /// Newest recordings first.
  core::Result<store::Page<Score>> listScores(const ScoreQuery& q);
  /// Count, average, min, max of totals per agent over the period (by agent id).
  core::Result<std::vector<ScoreAggregate>> aggregateByAgent(const ScoreQuery& q);

 private:
  store::Db& db_;
};

std::vector<store::Migration> qualityMigrations();

}  // namespace hujiao::recording
