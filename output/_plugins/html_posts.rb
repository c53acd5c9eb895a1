# frozen_string_literal: true

# rssarchive's posts are markdown files whose bodies are already HTML: a comment, a
# heading link, a `------` line, then the article as one line of sanitised HTML inside
# `<div>`...`</div>` (post-format.md). kramdown spends nearly all of a site's build time
# parsing that HTML with its Ruby parser only to write it out again as it was, except that
# void elements gain " />". This converter writes that same output directly when it can
# prove that kramdown would, and leaves every other document to kramdown.
#
# The output must stay byte for byte what GitHub Pages builds (Pages never loads
# _plugins/, so there kramdown converts everything). The fast path is therefore narrow:
# - the document is exactly the archive's shape (anything else: kramdown);
# - the heading's title and URL contain no character that kramdown's span parsers or
#   typographic conversions act on; otherwise kramdown converts the heading lines alone
#   (a paragraph ending at a blank line, so converting it apart changes nothing);
# - the body is one line of well-formed, balanced HTML as the sanitiser writes it: known
#   lower-case element names, ` name="value"` attributes (each name once), `&` only in
#   character references (`&#x`, not `&#X`), no `<` or `>` in text. Otherwise kramdown
#   converts the whole document. Like kramdown, it leaves out an `id` whose value is
#   blank (the sanitiser writes `<p id>` as `<p id="">`).
# tests/site/test_html_posts.py compares this converter with kramdown on the seeds, generated
# and hostile posts and tests/jekyll/markdown_cases/ (one of which has every element
# below), and tests/site/test_jekyll_site.py the built sites with and without it.
require "strscan"

module RssarchiveHtmlPosts
  VOID = %w(area br col embed hr img input source track wbr).freeze
  # Elements that kramdown's HTML parser writes out as they came, with their content, on
  # one line (checked by the tests, and on 600 fuzzed sanitised bodies built of the
  # sectioning elements, pre, picture, details and colgroup: all the same); anything else
  # (script, math, svg, textarea, ...) goes to kramdown.
  ELEMENTS = (VOID + %w(
    a abbr b bdi bdo blockquote caption cite code dd del dfn div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 i ins kbd li mark ol p q rp rt ruby s samp small span
    strike strong sub sup table tbody td tfoot th thead time tr tt u ul var
    section article header footer aside nav main pre picture details summary center
    colgroup
  )).freeze

  SHAPE = %r{\A(<!--(?:NaN|-?\d+)-->\n)\[(.*)\]\((.*)\)\n------\n\n<div>\n(.*)\n</div>\n\z}.freeze
  # Characters of a title that kramdown copies unchanged: no ASCII punctuation except
  # these, no runs of dots or dashes (typographic symbols), no control characters.
  PLAIN_TITLE = /\A(?! )(?:[^\x00-\x1f\x7f!-\/:-@\[-`\{-~]|[,?%\/#@;=+:()!.\-])+(?<! )\z/.freeze
  PLAIN_URL = %r{\Ahttps?://[A-Za-z0-9\-._~:/?#@!$+,;=%]*\z}.freeze
  # `&#X41;` is kramdown's to convert (it writes it otherwise).
  CHAR_REF = /&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);/.freeze
  TEXT = /(?>(?:[^<>&\n]+|#{CHAR_REF})+)/.freeze
  ATTRIBUTE = /[a-z][a-z0-9\-_:.]*="(?>(?:[^"<>&\n]+|#{CHAR_REF})*)"/.freeze
  COMMENT = /<!--(?>(?:[^-]+|-(?!-))*)-->/.freeze
  START_TAG = /<([a-z][a-z0-9]*)((?: #{ATTRIBUTE})*)>/.freeze
  # One attribute of a START_TAG's list: its name and value.
  ATTRIBUTE_PARTS = / ([a-z][a-z0-9\-_:.]*)="([^"]*)"/.freeze
  END_TAG = %r{</([a-z][a-z0-9]*)>}.freeze

  module_function

  # The HTML kramdown would make of `content`, or nil when that is not certain.
  # `heading` converts the heading lines with kramdown when they are not plain.
  def convert(content, heading)
    match = SHAPE.match(content)
    return nil unless match

    comment, title, url, body = match.captures
    html_body = body_html(body)
    return nil unless html_body

    head = if PLAIN_TITLE.match?(title) && !title.include?("..") &&
              !title.include?("--") && PLAIN_URL.match?(url)
             "#{comment}<p><a href=\"#{url}\">#{title}</a>\n——</p>\n"
           else
             heading.call("#{comment}[#{title}](#{url})\n------\n")
           end
    "#{head}\n<div>\n#{html_body}\n</div>\n"
  end

  # The body as kramdown writes it (void elements closed with " />"), or nil.
  def body_html(body)
    # StringScanner works on byte offsets; Regexp#match(body, position) would convert a
    # character position to bytes from the start of the string at every token.
    scanner = StringScanner.new(body)
    out = +""
    stack = []
    until scanner.eos?
      if scanner.scan(TEXT) || scanner.scan(COMMENT)
        out << scanner.matched
      elsif scanner.scan(START_TAG)
        name = scanner[1]
        return nil unless ELEMENTS.include?(name)

        attributes = attributes_html(scanner[2])
        return nil unless attributes

        if VOID.include?(name)
          out << "<#{name}#{attributes} />"
        else
          stack.push(name)
          out << "<#{name}#{attributes}>"
        end
      elsif scanner.scan(END_TAG)
        return nil unless stack.pop == scanner[1]

        out << scanner.matched
      else
        return nil
      end
    end
    stack.empty? ? out : nil
  end

  # A start tag's attributes as kramdown writes them (Utils::Html#html_attributes: an id
  # whose value is blank left out), or nil for a name given twice (kramdown's to decide).
  def attributes_html(list)
    return list if list.empty? || (!list.include?(" id=") && list.count("=") == 1)

    names = {}
    out = +""
    list.scan(ATTRIBUTE_PARTS) do |name, value|
      return nil if names.key?(name)

      names[name] = true
      out << " #{name}=\"#{value}\"" unless name == "id" && value.strip.empty?
    end
    out
  end
end

if defined?(Jekyll::Converters::Markdown)
  module RssarchiveHtmlPosts
    # Only where the fast path's assumptions hold: kramdown with GFM input, block HTML
    # left unparsed and no hard line breaks (the heading's line break stays a newline).
    module Converter
      def convert(content)
        setup
        if rssarchive_fast_path?
          html = RssarchiveHtmlPosts.convert(content, method(:rssarchive_heading))
          return html if html
        end
        super
      end

      def rssarchive_heading(markdown)
        @parser.convert(markdown)
      end

      def rssarchive_fast_path?
        return @rssarchive_fast_path unless @rssarchive_fast_path.nil?

        options = @config["kramdown"] || {}
        @rssarchive_fast_path =
          @config["markdown"].to_s.casecmp?("kramdown") &&
          options["input"].to_s == "GFM" &&
          !options["hard_wrap"] && !options["parse_block_html"]
      end
    end
  end
  Jekyll::Converters::Markdown.prepend(RssarchiveHtmlPosts::Converter)
end
