# frozen_string_literal: true

# What Jekyll makes of some posts of a site, by Jekyll's own rules: for each path (relative
# to the site, one per line on stdin) whether it is published, its URL, date, title and
# categories, as JSON (one array) into the file OUT.
#
#     ruby scripts/jekyll_posts.rb SITE OUT < paths
#
# scripts/build_split.py asks it about the posts it cannot place by itself (hand-written
# ones: a file name other than YYYY-MM-DD-title.md, a post in a category folder such as
# news/_posts/, a post with its own permalink:), so that the site per year publishes them
# where the single site does. Each is read as Jekyll's PostReader reads it: a Document of
# the posts collection, published when Jekyll's Publisher says so.
require "jekyll"
require "json"

source, out = ARGV
config = Jekyll.configuration(
  "source" => source,
  "destination" => File.join(source, "_site"),
  "quiet" => true
)
site = Jekyll::Site.new(config)
answers = $stdin.each_line.map(&:chomp).reject(&:empty?).map do |relative|
  doc = Jekyll::Document.new(site.in_source_dir(relative), :site => site, :collection => site.posts)
  doc.read
  published = !doc.content.nil? && doc.content.valid_encoding? && site.publisher.publish?(doc)
  answer = { "path" => relative, "published" => published }
  if published
    answer.update(
      "url" => doc.url,
      # In the site's zone (Jekyll set TZ from `timezone:`), as the single site shows it.
      "date" => doc.date.strftime("%Y-%m-%d %H:%M:%S.%6N %z"),
      "utc" => doc.date.getutc.strftime("%Y-%m-%d %H:%M:%S.%6N"),
      "title" => doc.data["title"].to_s,
      "categories" => Array(doc.data["categories"]).map(&:to_s),
      "own_permalink" => doc.data.key?("permalink")
    )
  end
  answer
end
File.write(out, JSON.generate(answers))
