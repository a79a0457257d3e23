#!/bin/sh
# Fills fuzz/corpus/<target>/ with seed inputs before a run: the repo's own fixtures, the
# saved regression inputs and, when ../shared/corpus exists (the conformance data, not part
# of the repo), its feeds and dates. The corpus is git-ignored; run from anywhere.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
shared=${FEEDMILL_SHARED_CORPUS:-$repo/../shared/corpus}
corpus=$fuzz/corpus

for target in feed_reader html_extractor date_parser config_loader; do
    mkdir -p "$corpus/$target"
    cp "$repo/tests/fixtures/fuzz/$target/"* "$corpus/$target/" 2>/dev/null || true
done

# Feeds: fixtures, samples and the shared conformance feeds.
find "$repo/tests/fixtures/feeds" "$repo/feeds" -type f \( -name '*.xml' -o -name '*.atom' -o -name '*.json' \) \
    -exec cp {} "$corpus/feed_reader/" \;
if [ -d "$shared" ]; then
    n=0
    find "$shared/feedparser" "$shared/other" -type f \( -name '*.xml' -o -name '*.json' \) ! -name '*.serde.json' |
        while read -r file; do
            n=$((n + 1))
            cp "$file" "$corpus/feed_reader/shared-$n-$(basename "$file")"
        done
fi

# Pages: every HTML fixture.
find "$repo/tests/fixtures/pages" "$repo/feeds" -type f -name '*.html' | while read -r file; do
    cp "$file" "$corpus/html_extractor/$(basename "$(dirname "$file")")-$(basename "$file")"
done

# Dates: 5 bytes of zone and clock (see fuzz/src/lib.rs), then the text.
n=0
{
    if [ -f "$shared/dates.jsonl" ]; then
        python3 -c 'import json,sys
for line in open(sys.argv[1]):
    print(json.loads(line)["input"].replace("\n", " "))' "$shared/dates.jsonl"
    fi
    cat <<'DATES'
Tue, 09 Sep 2025 18:21:00 KST
2025-09-09T18:21:00+09:00
20250909T182100Z
2025-W37-2
2025-252
Published: 09 Sep. 2025, 18:21
3 hours ago
vor 2 Tagen
il y a 3 heures
hier à 14h30
hace 2 días
3시간 전
2025년 9월 9일 오후 6:21
2025年11月3日 16時15分
3 нояб. 2025 г.
November 3, 2025 at 4:15 p.m. EST
3. November 2025, 16:15 Uhr
Sun Jan  4 16:29:06 PST 2004
2004/01/04 16:29:06
09/10/2025
yesterday
DATES
} | while IFS= read -r text; do
    n=$((n + 1))
    printf '\002\000\001\000\000%s' "$text" > "$corpus/date_parser/seed-$n"
done
printf '\003\000\001\000\000%%d %%b %%Y, %%H:%%M\n09 Sep 2025, 18:21' > "$corpus/date_parser/seed-format"

# Definitions and settings: the bundled ones.
find "$repo/feeds" "$repo/tests" -type f -name '*.toml' | while read -r file; do
    cp "$file" "$corpus/config_loader/$(basename "$(dirname "$file")")-$(basename "$file")"
done

for target in feed_reader html_extractor date_parser config_loader; do
    echo "$target: $(ls "$corpus/$target" | wc -l) seed files"
done
