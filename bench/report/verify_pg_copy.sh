#!/usr/bin/env bash
# Checks that report_bench's PostgreSQL bulk load (--pg-load copy: the rows the
# product's writer produced in SQLite, COPYed) leaves exactly what the writer
# itself leaves in PostgreSQL: same rows (seq included) in every report table,
# same indexes, same next sequence values. (The identity tables are not
# report data: migration 1 seeds roles with their own timestamps.) Small N.
#
#   bench/report/verify_pg_copy.sh BUILD_DIR [RECORDS]   (needs $HUJIAO_TEST_PG_DIR)
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RECORDS]}
records=${2:-20000}
bench=$build/bench/report/report_bench
url=$(cat "${HUJIAO_TEST_PG_DIR:?set HUJIAO_TEST_PG_DIR (scripts/pg-test-cluster.sh start DIR)}/url")
psql() { /usr/lib/postgresql/15/bin/psql -X -q -At -v ON_ERROR_STOP=1 "$url" "$@"; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"; psql -c "SET client_min_messages=warning; DROP SCHEMA IF EXISTS verify_writer CASCADE; DROP SCHEMA IF EXISTS verify_copy CASCADE" >/dev/null' EXIT

"$bench" --backend sqlite --skip-writer --records "$records" --dir "$dir" | grep '^load'
"$bench" --backend postgresql --skip-writer --records "$records" --dir "$dir" \
  --pg-schema verify_writer --pg-load writer | grep '^load'
"$bench" --backend postgresql --skip-writer --records "$records" --dir "$dir" \
  --pg-schema verify_copy --pg-load copy | grep '^load'

fail=0
for t in $(psql -c "SELECT tablename FROM pg_tables WHERE schemaname = 'verify_writer' AND tablename LIKE 'report\\_%' ORDER BY 1"); do
  read -r n only_w only_c < <(psql -F ' ' -c "SELECT
      (SELECT COUNT(*) FROM verify_writer.$t),
      (SELECT COUNT(*) FROM (SELECT * FROM verify_writer.$t EXCEPT ALL SELECT * FROM verify_copy.$t) a),
      (SELECT COUNT(*) FROM (SELECT * FROM verify_copy.$t EXCEPT ALL SELECT * FROM verify_writer.$t) b)")
  echo "$t: $n rows; only in writer's: $only_w; only in copy's: $only_c"
  [[ $only_w == 0 && $only_c == 0 ]] || fail=1
done
idx=$(psql -c "SELECT COUNT(*) FROM (
   (SELECT indexname, replace(indexdef, 'verify_writer.', '') FROM pg_indexes WHERE schemaname = 'verify_writer'
    EXCEPT SELECT indexname, replace(indexdef, 'verify_copy.', '') FROM pg_indexes WHERE schemaname = 'verify_copy')
   UNION ALL
   (SELECT indexname, replace(indexdef, 'verify_copy.', '') FROM pg_indexes WHERE schemaname = 'verify_copy'
    EXCEPT SELECT indexname, replace(indexdef, 'verify_writer.', '') FROM pg_indexes WHERE schemaname = 'verify_writer')) d")
echo "indexes that differ: $idx"
[[ $idx == 0 ]] || fail=1
for s in $(psql -c "SELECT sequencename FROM pg_sequences WHERE schemaname = 'verify_writer' ORDER BY 1"); do
  w=$(psql -c "SELECT nextval('verify_writer.$s')")
  c=$(psql -c "SELECT nextval('verify_copy.$s')")
  echo "sequence $s: next $w (writer) / $c (copy)"
  [[ $w == "$c" ]] || fail=1
done
if [[ $fail == 0 ]]; then echo "PASS: the copy load equals the writer's"; else echo "FAIL"; exit 1; fi
