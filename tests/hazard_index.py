"""Which tests cover each line of tests/hazards.md (a copy of shared/design/hazards.md).

A key is a line's bullet text up to its ` → ` (or a prefix of it that names the line
alone); its value lists what covers that line: tests as ``path::function`` (a
parametrised test by its function name) and corpus files by their path, all relative
to the repository root. Every line has at least one test named ``test_hazard_<words of
the line>``, so that `grep` finds the test from the line and the line from the test.

tests/project/test_hazard_index.py checks this mapping against hazards.md and the test files,
and counts the lines covered; ``python tests/project/test_hazard_index.py`` prints that count,
and ``--ids`` prints the tests to give to pytest.
"""

from __future__ import annotations

from typing import Final

HAZARDS: Final[dict[str, tuple[str, ...]]] = {
    # -- Hostile or broken feeds ---------------------------------------------------------
    "Billion-laughs / quadratic entity expansion in the DTD": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_billion_laughs_quadratic_entity_expansion_fast_nothing_expanded_reported",
        "tests/sources/test_feeds.py::test_billion_laughs_is_fast_and_expands_nothing",
        "tests/sources/test_feeds.py::test_quadratic_blowup_expands_nothing",
        "tests/sources/test_feeds.py::test_corpus",
        "tests/feeds/billion-laughs.xml",
        "tests/feeds/quadratic-blowup.xml",
    ),
    '`<!ENTITY x SYSTEM "file:///etc/passwd">`': (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_external_entity_system_file_no_file_content_in_output",
        "tests/sources/test_feeds.py::test_external_entities_read_no_file",
        "tests/feeds/xxe.xml",
    ),
    "An author field like `x@a.a.a.a…` 30 KB long (feedparser's regex is quadratic on it)": (
        "tests/e2e/test_hazards_e2e.py::test_hazard_long_author_30kb_bounded_time_other_feeds_still_run",
        "tests/sources/test_feeds.py::test_long_author_parses_fast",
        "tests/feeds/long-author.xml",
    ),
    "100,000 items, or a 50 MB feed": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_100000_items_or_50_mb_feed_caps_apply_run_within_budget",
        "tests/sources/test_feeds.py::test_item_cap_on_a_huge_feed",
        "tests/sources/test_feeds.py::test_size_cap",
        "tests/sources/test_feeds.py::test_element_spam_is_refused_quickly",
        "tests/net/test_http.py::test_undeclared_plain_body_over_cap_aborted",
        "tests/net/test_http.py::test_declared_length_over_cap_rejected_before_reading",
        "tests/feeds/item-cap.xml",
        "tests/feeds/item-cap-rdf.xml",
    ),
    "Not XML at all, HTML served as a feed, empty body, truncated body": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_not_xml_html_served_as_feed_empty_truncated_clear_per_feed_error_others_ok",
        "tests/e2e/test_e2e.py::test_dead_feed_beside_good_one",
        "tests/sources/test_feeds.py::test_corpus",
        "tests/feeds/not-xml.xml",
        "tests/feeds/html-page.xml",
        "tests/feeds/html-no-doctype.xml",
        "tests/feeds/xml-not-feed.xml",
        "tests/feeds/json.xml",
        "tests/feeds/empty.xml",
        "tests/feeds/whitespace-only.xml",
        "tests/feeds/truncated-early.xml",
        "tests/feeds/truncated-in-header.xml",
        "tests/feeds/truncated-mid.xml",
    ),
    "Declared UTF-8 over GBK bytes; GB2312, GBK, Big5 with and without declarations": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_utf8_declared_over_gbk_gb2312_gbk_big5_with_without_declaration_correct_text",
        "tests/sources/test_feeds.py::test_decode_feed",
        "tests/extract/test_extract.py::test_decode_page",
        "tests/extract/test_extract.py::test_gbk_page_without_any_declaration_gives_chinese",
        "tests/feeds/utf8-declared-over-gbk.xml",
        # UTF-8 but for one word in GBK: UTF-8, the stray bytes U+FFFD, said.
        "tests/feeds/utf8-with-stray-gbk.xml",
        "tests/feeds/gb2312-declared.xml",
        "tests/feeds/gbk-undeclared.xml",
        "tests/feeds/gbk-header-charset.xml",
        "tests/feeds/big5-declared.xml",
        "tests/feeds/big5-undeclared.xml",
        "tests/pages/utf8-declared-over-gbk.html",
        "tests/pages/gbk-no-declaration.html",
        "tests/pages/big5-declared.html",
        "tests/pages/big5-header-only.html",
    ),
    "Items with no guid, duplicate guids, a guid that changes http→https, no link, a "
    "`javascript:`/`data:`/`file:` link": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_items_no_guid_duplicate_guids_guid_http_to_https_no_link_unsafe_links_once",
        "tests/e2e/test_e2e.py::test_unchanged_items_without_validators_are_skipped",
        "tests/core/test_urls.py::test_unsafe_links",
        "tests/core/test_urls.py::test_normalize_url",
        "tests/feeds/no-guid.xml",
        "tests/feeds/duplicate-guids.xml",
        "tests/feeds/unsafe-links.xml",
    ),
    "Dates: none, unparseable, in 2099, with offsets near midnight": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_dates_none_unparseable_2099_offsets_near_midnight_post_format_date_rules",
        "tests/site/test_hostile_site.py::"
        "test_hazard_dates_offsets_near_midnight_jekyll_url_date_equals_file_name_date",
        "tests/site/test_jekyll_site.py::test_post_dates_near_midnight_keep_their_day",
        "tests/site/test_jekyll_site.py::test_url_dates_do_not_depend_on_the_machines_time_zone",
        "tests/publish/test_render.py::test_future_publication_time_is_not_used_for_the_date",
        "tests/publish/test_render.py::test_no_publication_time_uses_the_archive_time",
        "tests/feeds/dates.xml",
    ),
    # -- Hostile pages -------------------------------------------------------------------
    "`<script>`, `on*=` handlers, `javascript:` and `java&#x09;script:` URLs, `<iframe>`, "
    "`<svg>`, `<form>`, `<style>`": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_script_handlers_javascript_urls_iframe_svg_form_style_none_survive_into_post",
        "tests/site/test_hostile_site.py::"
        "test_hazard_script_handlers_javascript_urls_none_survive_into_built_pages",
        "tests/site/test_hostile_site.py::"
        "test_hazard_hostile_page_markup_and_liquid_in_page_title_built_clean",
        "tests/core/test_sanitize.py::test_hostile_markup_is_removed",
        "tests/extract/test_extract.py::test_page_case",
        "tests/pages/hostile-story.html",
    ),
    "`og:image` of `javascript:…`, `file:///…`, `http://169.254.169.254/…`, or a relative path": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_og_image_javascript_file_metadata_address_relative_refused_or_resolved",
        "tests/extract/test_extract.py::test_image_url",
        "tests/extract/test_extract.py::test_image_on_the_bases_own_refused_host_is_refused_too",
        "tests/pages/og-image-unsafe.html",
        "tests/pages/og-image-internal.html",
    ),
    "`{{ site | jsonify }}`, `{% include ../x %}`, `{%endraw%}`, `{% for i in (1..100000000) %}` "
    "in a title or body": (
        "tests/site/test_hostile_site.py::"
        "test_hazard_liquid_in_title_or_body_archived_and_nothing_written_outside_posts",
        "tests/site/test_hostile_site.py::"
        "test_hazard_liquid_in_title_or_body_jekyll_builds_without_liquid_error",
        "tests/site/test_hostile_site.py::"
        "test_hazard_liquid_in_title_or_body_text_shows_literally_no_liquid_runs",
        "tests/site/test_hostile_site.py::"
        "test_hazard_liquid_in_title_or_body_index_and_categories_show_titles_literally",
        "tests/site/test_hostile_site.py::test_hazard_hostile_author_and_url_braces_shown_literally",
        "tests/core/test_sanitize.py::test_guard_liquid_leaves_no_tag",
        "tests/core/test_sanitize.py::test_guard_liquid_survives_the_body_pipeline",
        "tests/publish/test_render.py::test_heading_is_liquid_guarded_and_cannot_escape_the_link",
    ),
    "A title containing a newline then `permalink: /index.html`": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_title_newline_then_permalink_index_html_no_new_front_matter_key",
        "tests/site/test_hostile_site.py::"
        "test_hazard_title_newline_permalink_index_html_no_new_front_matter_key",
        "tests/publish/test_render.py::test_newline_in_title_makes_no_new_key_and_heading_stays_one_line",
    ),
    'Titles with `: `, `"`, `\\`, `#`, `@`, `*`, `yes`, `2021-01-01`, emoji, 300 bytes of CJK, '
    "`../../etc/x`, `/abs`": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_titles_colon_quote_backslash_hash_at_star_yes_date_emoji_cjk_abs_round_trip",
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_titles_dotdot_etc_x_leading_dot_file_inside_posts_run_goes_on",
        "tests/site/test_hostile_site.py::"
        "test_hazard_title_dotdot_etc_x_abs_published_inside_the_site_file_inside_posts",
        "tests/publish/test_render.py::test_front_matter_values_read_back_exactly",
        "tests/publish/test_render.py::test_names_are_plain_and_short",
        "tests/publish/test_render.py::test_name_of_300_bytes_of_cjk_title",
        "tests/publish/test_posts.py::test_unsafe_names_refused",
        "tests/site/test_jekyll_site.py::test_url_model_matches_jekyll_for_odd_titles",
    ),
    "A 9 MB page of `<p>`, 100,000 nested `<div>`s": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_9_mb_page_100000_nested_divs_size_cap_or_time_limit_next_article_goes_through",
        "tests/extract/test_workers.py::"
        "test_hazard_pathological_page_extraction_time_limit_next_article_goes_through",
        "tests/extract/test_extract.py::test_oversized_page_is_refused_before_parsing",
        "tests/extract/test_extract.py::test_deeply_nested_page_is_bounded",
        "tests/core/test_sanitize.py::test_deep_nesting_takes_bounded_time",
        # Nested past libxml2's 256: the text kept (flattened), not "no content".
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_item_body_nested_deeper_than_libxml2_reads_text_kept",
        "tests/pages/nested-260-deep.html",
    ),
    "Invalid UTF-8 or lone surrogates in any field": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_invalid_utf8_or_lone_surrogates_in_any_field_post_is_valid_utf8",
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_invalid_utf8_or_lone_surrogates_surrogate_references_in_feed_fields",
        # Control characters and noncharacters, raw or as references, in items and pages;
        # and whatever else a parser may raise on one article fails that article alone.
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_control_characters_noncharacters_in_item_text_archived_without_them_run_goes_on",
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_control_and_noncharacter_references_in_a_page_archived",
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_unexpected_error_in_one_article_fails_it_alone_retried_by_next_run",
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_unexpected_error_extracting_one_page_fails_it_alone_in_a_backfill",
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_unexpected_error_in_a_batch_of_feed_posts_fails_only_its_article",
        "tests/e2e/test_text_hazards_e2e.py::"
        "test_hazard_unexpected_error_of_a_pending_article_does_not_stop_later_commands",
        "tests/pages/noncharacters-and-control-references.html",
    ),
    # -- Network -------------------------------------------------------------------------
    "Redirects to 127.0.0.1, `[::ffff:127.0.0.1]`, `2130706433`, `0x7f.1`, 169.254.169.254, "
    "100.64.0.1": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_redirects_to_loopback_odd_spellings_metadata_cgnat_refused_unless_allowed",
        "tests/net/test_http.py::test_hazard_redirect_to_refused_address_is_blocked_on_every_hop",
        "tests/net/test_http.py::test_hazard_default_policy_refuses_loopback_server",
        "tests/net/test_http.py::test_hazard_resolved_address_is_checked_after_dns",
        "tests/net/test_http.py::test_hazard_check_url_refuses_odd_private_literals",
        "tests/net/test_http.py::test_check_url_allows_everything_when_private_allowed",
        "tests/net/test_http.py::test_check_url_allow_tuple_adds_addresses_and_networks",
        "tests/net/test_http.py::test_mock_transport_redirect_to_private_literal_is_refused",
    ),
    "Redirect loops and long chains": (
        "tests/net/test_http.py::test_hazard_redirect_loop_is_bounded_with_clear_error",
        "tests/net/test_http.py::test_hazard_long_redirect_chain_is_bounded",
        "tests/net/test_http.py::test_hazard_redirects_followed_by_hand_with_hops_recorded",
    ),
    "Headers then silence; one byte a second": (
        "tests/net/test_http.py::test_hazard_headers_then_silence_deadline_fires",
        "tests/net/test_http.py::test_hazard_one_byte_per_second_body_deadline_fires",
        "tests/net/test_http.py::test_hazard_dripped_headers_deadline_fires",
        "tests/net/test_http.py::test_hazard_dripped_headers_over_tls_deadline_fires",
    ),
    "Gzip bomb (1 MB → 1 GB)": (
        "tests/net/test_http.py::test_hazard_gzip_bomb_aborted_at_decoded_cap",
        "tests/net/test_http.py::test_hazard_gzip_bomb_default_cap_is_10_mb",
    ),
    "500/502/503/504, connection reset, timeouts": (
        "tests/net/test_http.py::test_hazard_500_then_200_is_retried_and_succeeds",
        "tests/net/test_http.py::test_hazard_5xx_every_time_fails_after_max_attempts",
        "tests/net/test_http.py::test_hazard_connection_reset_is_retried",
        "tests/net/test_http.py::test_hazard_connection_reset_every_time_is_a_fetch_error",
        "tests/net/test_http.py::test_hazard_headers_then_silence_deadline_fires",
        "tests/net/test_http.py::test_connection_refused_is_retried_then_reported",
        "tests/net/test_http.py::test_hazard_body_shorter_than_its_content_length_is_retried_then_reported",
        "tests/e2e/test_feed_health.py::test_hazard_failing_feed_backs_off_but_is_never_dropped",
    ),
    "429 or 503 with `Retry-After` (seconds, HTTP date, absurd values)": (
        "tests/net/test_http.py::test_hazard_429_retry_after_seconds_not_retried",
        "tests/net/test_http.py::test_hazard_429_retry_after_http_date",
        "tests/net/test_http.py::test_hazard_503_with_absurd_retry_after_is_capped_and_not_retried",
        "tests/net/test_http.py::test_parse_retry_after",
        "tests/e2e/test_feed_health.py::test_hazard_429_retry_after_schedules_next_poll_no_hammering",
    ),
    "304, or 200 with an unchanged ETag": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_200_with_unchanged_etag_nothing_reprocessed_validators_stored_verbatim",
        "tests/net/test_http.py::test_hazard_conditional_get_sends_validators_verbatim_and_returns_304",
        "tests/e2e/test_e2e.py::test_cron_second_run_is_conditional_and_writes_nothing",
    ),
    "301/308 seen repeatedly": (
        "tests/e2e/test_feed_health.py::test_hazard_301_seen_repeatedly_moves_feed_old_address_still_known",
    ),
    "410 Gone": (
        "tests/e2e/test_feed_health.py::test_hazard_410_gone_marks_feed_and_reports_every_run",
    ),
    # -- The machine ---------------------------------------------------------------------
    "`kill -9` at any point": (
        "tests/e2e/test_crash.py::test_hazard_kill_9_at_random_points_loses_and_duplicates_nothing",
        "tests/e2e/test_e2e.py::test_pending_article_from_a_killed_run_is_finished",
        "tests/publish/test_posts.py::test_stray_temp_files_removed",
    ),
    "Two runs at once (cron overlap)": (
        "tests/e2e/test_crash.py::test_hazard_two_runs_at_once_second_exits_75",
        "tests/e2e/test_e2e.py::test_second_run_while_locked_exits_75",
    ),
    "Disk full, read-only `_posts/`": (
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_disk_full_read_only_posts_clear_error_state_not_advanced_next_run_recovers",
        "tests/publish/test_posts.py::test_full_disk_is_a_clear_error_and_leaves_no_temp",
        "tests/publish/test_posts.py::test_read_only_posts_dir_is_a_clear_error",
        "tests/publish/test_posts.py::test_posts_path_not_a_directory_is_a_clear_error",
        "tests/e2e/test_state_faults.py::test_disk_full_anywhere_says_why_and_loses_nothing",
        "tests/e2e/test_state_faults.py::"
        "test_status_says_failing_for_a_feed_whose_runs_fail_on_write_errors",
    ),
    "State database deleted, corrupt, or locked": (
        "tests/e2e/test_crash.py::test_hazard_state_database_deleted_is_rebuilt_from_posts",
        "tests/e2e/test_crash.py::test_hazard_state_database_deleted_after_a_kill_duplicates_nothing",
        "tests/e2e/test_crash.py::test_hazard_state_database_corrupt_is_rebuilt_from_posts",
        "tests/e2e/test_hazards_e2e.py::"
        "test_hazard_state_database_locked_loud_failure_never_silent_rearchiving",
        "tests/store/test_state.py::test_corrupt_database_is_moved_aside",
        "tests/e2e/test_crash.py::test_state_database_deleted_is_restored_from_its_copy",
        "tests/e2e/test_crash.py::test_state_database_corrupt_is_restored_from_its_copy",
        "tests/e2e/test_state_faults.py::"
        "test_corrupt_state_restored_from_its_copy_keeps_guid_identity_and_image_retries",
        "tests/e2e/test_state_faults.py::"
        "test_posts_written_after_the_copy_are_adopted_with_their_image_retries",
        "tests/e2e/test_state_faults.py::"
        "test_deleted_database_is_not_mixed_with_its_leftover_write_ahead_log",
    ),
    "The clock jumps backwards or forwards between runs": (
        "tests/e2e/test_hazards_e2e.py::test_hazard_clock_jumps_backwards_or_forwards_between_runs_no_reposting",
    ),
}
