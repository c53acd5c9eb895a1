# frozen_string_literal: true

# Jekyll 4.3.0 and 4.3.1 (Debian 12's `jekyll` package) check every file they write
# against an Array of the files already written, so writing the site takes time growing
# with the square of the number of posts: 8,000 posts build in minutes, 100,000 in hours
# (jekyll/jekyll#9187, fixed in 4.3.2). This is the same loop with a Set of the files
# seen, compared by identity (a file is the same object in every list it is in).
#
# Only those two versions are patched. GitHub Pages never loads _plugins/ (it builds in
# safe mode, with Jekyll 3.10, which never had the bug).
if %w(4.3.0 4.3.1).include?(Jekyll::VERSION)
  require "set"

  module Jekyll
    class Site
      def each_site_file
        seen_files = Set.new.compare_by_identity
        %w(pages static_files_to_write docs_to_write).each do |type|
          send(type).each do |item|
            next unless seen_files.add?(item)

            yield item
          end
        end
      end
    end
  end
end
