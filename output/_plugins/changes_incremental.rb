# frozen_string_literal: true

# rssarchive's re-checks record edited and deleted articles in _data/changes.json, and the
# post layout shows a notice on the posts listed there; the post files themselves are
# never rewritten. Jekyll's incremental build (`make site`, the Actions recipe) decides
# what to render from the files' modification times and knows nothing of data files, so
# a post built before its edit was recorded would keep its page without the notice.
# This renders again, in an incremental build, exactly the posts whose entry changed
# since the last build (added, changed or removed), remembered in the Jekyll cache
# directory; the pages are those of a full build (tests/site/test_changes_incremental.py).
#
# A full build renders everything anyway, and GitHub Pages (which never loads _plugins/)
# builds only full builds: this changes no page, only which pages an incremental build
# renders. scripts/build_split.py does the same for its years through the copies' times.
require "json"

module RssarchiveChangesIncremental
  STATE = "rssarchive-changes.json"

  module_function

  def state_path(site)
    site.in_source_dir(site.config["cache_dir"] || ".jekyll-cache", STATE)
  end

  def current(site)
    changes = site.data["changes"]
    changes.is_a?(Hash) ? changes : {}
  end

  def previous(site)
    JSON.parse(File.read(state_path(site), :encoding => "UTF-8"))
  rescue StandardError
    nil # none yet, or unreadable: every listed post is rendered again
  end
end

Jekyll::Hooks.register :site, :post_read do |site|
  next unless site.incremental?

  now = RssarchiveChangesIncremental.current(site)
  before = RssarchiveChangesIncremental.previous(site)
  site.posts.docs.each do |post|
    key = post.relative_path # the layout's page.path, "_posts/<file>"
    changed = before.nil? ? now.key?(key) : now[key] != before[key]
    site.regenerator.force(post.path) if changed
  end
end

Jekyll::Hooks.register :site, :post_write do |site|
  next unless site.incremental?

  path = RssarchiveChangesIncremental.state_path(site)
  FileUtils.mkdir_p(File.dirname(path))
  File.write(path, JSON.generate(RssarchiveChangesIncremental.current(site)))
end
