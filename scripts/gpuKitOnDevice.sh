#!/bin/sh
# The GPU check kit's device side (see "GPU check kit" in docs/development.md). The device machine has no Node and
# no network, so this is POSIX sh with coreutils, tar and xz. Each device call carries some parts of the kit
# (.cache/gpu-kit/parts/*) and the sums that check them (.cache/gpu-kit/SHA256SUMS); this script copies them into
# the kit folder outside the repository copy, which survives between calls while the machine stays warm.
#
#   sh scripts/gpuKitOnDevice.sh probe               what the machine has: GPU, driver, CUDA 13's libraries, tools
#   sh scripts/gpuKitOnDevice.sh receive NAME...     check carried parts against the sums and keep them
#   sh scripts/gpuKitOnDevice.sh finish [ARGS...]    check every part, unpack, run out/scripts/gpuCheck.js ARGS
#
# GPU_KIT_DIR (default /tmp/kit) is the kit folder; the dry run points it at a temporary one. OUT, which the device
# tool sets, receives gpu-check.json and gpu-check.txt. GPU_KIT_RUN_TIMEOUT_S (default 560) bounds the check.
# GPU_KIT_LIBRARY_ROOTS (default "/usr/local /opt /usr/lib") is where CUDA's libraries are looked for.
set -eu

cd "$(dirname "$0")/.."
SRC=.cache/gpu-kit
SUMS=$SRC/SHA256SUMS
KIT=${GPU_KIT_DIR:-/tmp/kit}

say() { echo "gpu-kit: $*"; }
die() { echo "gpu-kit: $*" >&2; exit 1; }

# The SHA256SUMS lines whose file name starts with $1 ("parts/core-", "archives/"), in the kit's order.
sums_of() { awk -v prefix="$1" 'index($2, prefix) == 1' "$KIT/SHA256SUMS"; }

# Every copy of CUDA 13's libraries and the driver's outside ldconfig's cache (the CUDA toolkit, Python's nvidia
# wheels), found once: the search walks large trees.
FOUND_LIBRARIES=""
found_libraries() {
  if [ -z "$FOUND_LIBRARIES" ]; then
    # shellcheck disable=SC2086 # a list of folders
    FOUND_LIBRARIES=$(find ${GPU_KIT_LIBRARY_ROOTS:-/usr/local /opt /usr/lib} -maxdepth 10 \( -name 'libcudart.so.13' -o -name 'libcublas.so.13' \
      -o -name 'libcublasLt.so.13' -o -name 'libcuda.so.1' \) 2>/dev/null | sort)
    FOUND_LIBRARIES=${FOUND_LIBRARIES:-none}
  fi
  echo "$FOUND_LIBRARIES"
}

# The folders holding library $1.
library_dirs() { found_libraries | awk -v lib="/$1" 'substr($0, length($0) - length(lib) + 1) == lib' | while read -r file; do dirname "$file"; done | sort -u; }

# The libraries node-llama-cpp's linux-x64-cuda build links (DESIGN.md), besides the driver's libcuda.so.1.
CUDA13_LIBS="libcudart.so.13 libcublas.so.13 libcublasLt.so.13"

# Prints the folders to add to LD_LIBRARY_PATH; fails when a library is nowhere.
cuda13_dirs() {
  dirs=""
  for lib in $CUDA13_LIBS; do
    if ldconfig -p 2>/dev/null | grep -q "$lib"; then continue; fi
    found=$(library_dirs "$lib" | head -n 1)
    [ -n "$found" ] || return 1
    dirs="$dirs${dirs:+:}$found"
  done
  echo "$dirs"
}

probe() {
  say "probe"
  FOUND_LIBRARIES=$(found_libraries)
  echo "machine: $(uname -m), $(nproc) cores, $(ldd --version 2>/dev/null | head -n 1)"
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,memory.free --format=csv,noheader || true
    nvidia-smi | grep -m 1 'CUDA Version' || true
  else
    echo "nvidia-smi: not found"
  fi
  echo "LD_LIBRARY_PATH: ${LD_LIBRARY_PATH:-unset}"
  echo "ldconfig: $(ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas|libcudart' | awk '{print $1}' | sort -u | tr '\n' ' ')"
  for lib in $CUDA13_LIBS libcuda.so.1; do
    echo "$lib: $(library_dirs "$lib" | tr '\n' ' ')"
  done
  for tool in tar xz sha256sum awk timeout; do
    command -v "$tool" >/dev/null 2>&1 || echo "MISSING TOOL: $tool (the kit cannot be unpacked without it)"
  done
  echo "disk: $(df -h /tmp | awk 'NR == 2 {print $4 " free in /tmp"}')"
  if dirs=$(cuda13_dirs); then
    echo "cuda-ext: not needed (CUDA 13's libraries are there${dirs:+; finish adds $dirs to LD_LIBRARY_PATH})"
  else
    echo "cuda-ext: NEEDED (no $CUDA13_LIBS found): make the ext calls before the last call"
  fi
}

# Keeps the carried sums in the kit folder; sums from another pack make the parts already there useless.
take_sums() {
  [ -f "$SUMS" ] || die "$SUMS was not carried: name it in this call's carry."
  mkdir -p "$KIT/parts"
  if [ -f "$KIT/SHA256SUMS" ] && ! cmp -s "$SUMS" "$KIT/SHA256SUMS"; then
    say "these parts come from another pack than the ones in $KIT: starting over"
    rm -rf "$KIT/parts" "$KIT/archives"
    mkdir -p "$KIT/parts"
  fi
  cp "$SUMS" "$KIT/SHA256SUMS"
}

receive() {
  [ $# -gt 0 ] || die "receive: name the parts this call carries."
  take_sums
  for name in "$@"; do
    want=$(sums_of "parts/$name" | awk -v file="parts/$name" '$2 == file {print $1}')
    [ -n "$want" ] || die "$name is not a part of this kit ($SUMS)."
    [ -f "$SRC/parts/$name" ] || die "$SRC/parts/$name was not carried: name it in this call's carry."
    cp "$SRC/parts/$name" "$KIT/parts/$name.partial"
    got=$(sha256sum "$KIT/parts/$name.partial" | awk '{print $1}')
    if [ "$got" != "$want" ]; then
      rm -f "$KIT/parts/$name.partial"
      die "$name is corrupt (sha256 $got, the kit says $want): not kept. Carry it again."
    fi
    mv "$KIT/parts/$name.partial" "$KIT/parts/$name"
    say "received $name ($(wc -c <"$KIT/parts/$name") bytes, sha256 ok)"
  done
  say "in $KIT: $(ls "$KIT/parts" | tr '\n' ' ')"
}

# The parts of a group that the sums list and the kit folder lacks, space-separated.
missing_of() {
  for file in $(sums_of "parts/$1-" | awk '{print $2}'); do
    [ -f "$KIT/$file" ] || printf ' %s' "${file#parts/}"
  done
}

verify_group() {
  (cd "$KIT" && sums_of "parts/$1-" | sha256sum -c --quiet -) || die "a $1 part in $KIT no longer matches its sum: make the calls again from call 1."
}

# The parts of a group, joined in the kit's order, on stdout.
join_group() {
  for file in $(sums_of "parts/$1-" | awk '{print $2}'); do cat "$KIT/$file"; done
}

finish() {
  take_sums
  missing=$(missing_of core)
  [ -z "$missing" ] || die "core parts missing from $KIT:$missing. The machine went cold between calls (it keeps $KIT only while warm): make the calls again from call 1."
  verify_group core
  ext=no
  if sums_of "parts/ext-" | grep -q .; then
    missing=$(missing_of ext)
    if [ -z "$missing" ]; then
      ext=yes
      verify_group ext
    elif ls "$KIT/parts" | grep -q '^ext-'; then
      die "cuda-ext parts missing from $KIT:$missing: make every ext call, or none."
    fi
  fi
  say "unpacking into $KIT (cuda-ext: $ext)"
  rm -rf "$KIT/archives" "$KIT/node" "$KIT/dist" "$KIT/out" "$KIT/node_modules" "$KIT/src" "$KIT/scripts" "$KIT/test"
  mkdir -p "$KIT/archives"
  join_group core | tar -xf - -C "$KIT/archives"
  if [ "$ext" = yes ]; then join_group ext >"$KIT/archives/cuda-ext.tgz"; fi
  for file in $(sums_of archives/ | awk '{print $2}'); do
    if [ -f "$KIT/$file" ]; then (cd "$KIT" && sums_of archives/ | awk -v f="$file" '$2 == f' | sha256sum -c --quiet -) || die "$file does not match its sum."; fi
  done
  for archive in node.tar.xz app.tar.xz cuda.tar.xz; do
    [ -f "$KIT/archives/$archive" ] || die "the core parts hold no $archive."
    tar -xJf "$KIT/archives/$archive" -C "$KIT"
  done
  if [ "$ext" = yes ]; then
    mkdir -p "$KIT/node_modules/@node-llama-cpp/linux-x64-cuda-ext"
    tar -xzf "$KIT/archives/cuda-ext.tgz" -C "$KIT/node_modules/@node-llama-cpp/linux-x64-cuda-ext" --strip-components=1
  fi
  rm -rf "$KIT/archives"
  FOUND_LIBRARIES=$(found_libraries)
  if dirs=$(cuda13_dirs) && [ -n "$dirs" ]; then
    export LD_LIBRARY_PATH="$dirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    say "CUDA 13's libraries from $dirs"
  fi
  out=${OUT:-$KIT/report}
  limit=${GPU_KIT_RUN_TIMEOUT_S:-560}
  say "running the check with $("$KIT/node/bin/node" --version) (at most $limit s)"
  status=0
  timeout "$limit" "$KIT/node/bin/node" "$KIT/out/scripts/gpuCheck.js" --out "$out" "$@" || status=$?
  [ "$status" -ne 124 ] || die "the check ran past $limit s and was stopped: the last step it printed is the one that hung."
  exit "$status"
}

command=${1:-}
[ $# -eq 0 ] || shift
case "$command" in
  probe) probe ;;
  receive) receive "$@" ;;
  finish) finish "$@" ;;
  *) die "usage: sh scripts/gpuKitOnDevice.sh probe | receive PART... | finish [gpuCheck options]" ;;
esac
