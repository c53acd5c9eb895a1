# frozen_string_literal: true

# Jekyll's incremental build (`make site`) renders a file again when its modification
# time differs from the one it recorded. A fresh checkout (each run of the GitHub
# Actions recipe, which keeps the previous build in its cache) gives every file a new
# time, so every "hourly" build of one site rendered every post again: a full build.
# This records each file's content digest beside its time and, when only the time
# changed, takes the new time as the recorded one: the file counts as unchanged, as it
# is. A file whose content changed (or whose dependencies did) is rendered as before.
# scripts/build_split.py gets the same for its years through its copies' times.
#
# Only which pages an incremental build renders changes, never a page: a full build
# (and GitHub Pages, which never loads _plugins/ and builds in full) renders them all
# (tests/site/test_changes_incremental.py compares with a full build after a fresh checkout).
require "digest"

module RssarchiveContentTimes
  def add(path)
    result = super
    entry = metadata[path]
    entry["digest"] = Digest::SHA256.file(path).hexdigest if entry && File.file?(path)
    result
  end

  def existing_file_modified?(path)
    entry = metadata[path]
    if entry && entry["digest"] && File.file?(path)
      mtime = File.mtime(path)
      if !entry["mtime"].eql?(mtime) && entry["digest"] == Digest::SHA256.file(path).hexdigest
        entry["mtime"] = mtime # the same content, checked out again
      end
    end
    super
  end
end

Jekyll::Regenerator.prepend(RssarchiveContentTimes) if defined?(Jekyll::Regenerator)
