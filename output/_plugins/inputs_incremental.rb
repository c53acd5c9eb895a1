# frozen_string_literal: true

# Jekyll's incremental build (`make site`, the Actions recipe) renders a page again when
# its file, its layout or an include it uses changed; it knows nothing of _config.yml or
# _data/. Every page shows the words of _data/labels.yml and the settings of _config.yml
# (title, lang, labels, baseurl), so after an edit of either an incremental build kept
# every post built before it as it was: `make site` after changing a label left 300 of
# 300 post pages stale (review 20b, finding 2).
# This remembers a digest of the site's configuration and data, in the Jekyll cache
# directory, and when it differs from the last build's, forgets the incremental
# metadata: that build renders every page, as a full build does. _data/changes.json is
# left out: rssarchive changes it on every run with a re-check, and
# changes_incremental.rb renders again exactly the posts whose entry changed.
#
# Only which pages an incremental build renders changes, never a page: a full build
# (and GitHub Pages, which never loads _plugins/ and builds in full) renders them all
# (tests/site/test_site_inputs.py compares with a full build after such edits).
require "digest"
require "json"

module RssarchiveInputsIncremental
  STATE = "rssarchive-inputs.sha256"
  # Data written by rssarchive itself and tracked per post elsewhere.
  OWN_DATA = %w(changes).freeze

  module_function

  def state_path(site)
    site.in_source_dir(site.config["cache_dir"] || ".jekyll-cache", STATE)
  end

  def digest(site)
    data = site.data.reject { |name, _| OWN_DATA.include?(name) }
    # JSON of the parsed values: a comment or blank line added to a file changes nothing.
    Digest::SHA256.hexdigest(JSON.generate([Jekyll::VERSION, site.config, data]))
  end

  def previous(site)
    File.read(state_path(site), :encoding => "UTF-8").strip
  rescue StandardError
    nil
  end
end

Jekyll::Hooks.register :site, :post_read do |site|
  next unless site.incremental?

  now = RssarchiveInputsIncremental.digest(site)
  site.instance_variable_set(:@rssarchive_inputs, now)
  before = RssarchiveInputsIncremental.previous(site)
  # No digest yet (the first build with this plugin, or a lost cache): the pages built
  # before may be of other settings too, so the first build is a full one.
  if before != now
    Jekyll.logger.info "Incremental:", "_config.yml or _data/ changed: every page is rendered"
    site.regenerator.clear
  end
end

Jekyll::Hooks.register :site, :post_write do |site|
  next unless site.incremental?

  path = RssarchiveInputsIncremental.state_path(site)
  FileUtils.mkdir_p(File.dirname(path))
  File.write(path, site.instance_variable_get(:@rssarchive_inputs).to_s)
end
