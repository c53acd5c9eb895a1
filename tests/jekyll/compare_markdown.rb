# frozen_string_literal: true

# For tests/site/test_html_posts.py: reads a JSON list of post contents (the text after the
# front matter) on stdin and prints, for each, whether output/_plugins/html_posts.rb's
# fast path took it and whether its HTML is kramdown's, byte for byte, as Jekyll
# configures kramdown from output/_config.yml.
require "json"
require "jekyll"

source = ARGV.fetch(0)
config = Jekyll.configuration("source" => source, "quiet" => true, "disable_disk_cache" => true)
markdown = Jekyll::Converters::Markdown.new(config)
markdown.setup
kramdown = markdown.instance_variable_get(:@parser)
load File.join(source, "_plugins", "html_posts.rb")

results = JSON.parse($stdin.read).map do |content|
  want = kramdown.convert(content)
  fast = RssarchiveHtmlPosts.convert(content, ->(heading) { kramdown.convert(heading) })
  # The converter Jekyll runs: the fast path or kramdown.
  got = markdown.convert(content)
  { "fast" => !fast.nil?, "same" => got == want && (fast.nil? || fast == want),
    "kramdown" => want, "converter" => got }
end
puts JSON.generate(results)
