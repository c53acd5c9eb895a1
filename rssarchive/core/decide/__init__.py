"""Every decision of a run, pure: no network, no disk, no clock (the time is an argument).

The orchestration (pipeline.py and the modules it runs) asks these functions and carries
their answers out; each takes plain values and returns a decision value, so that each
can be read, and tested as a table of cases (tests/core/test_decide.py), on its own.
Its parts, one module each: policies (the retry policies), feeds, entries, identity
(guids, and which article an item or a page is), articles, images; every name is
imported here, so that callers ask ``decide.<name>``. Modelled on the ``Decider`` of
lemon24/reader. None reads anything, not even through a function it is
handed: a decision that needs a costly fact (a read of the state or of a post, a parse
of the feed's text) only in some cases comes with a question, ``asks_<fact>``, that
says whether it does; the caller reads the fact then, and passes it as a plain value
(by_guid, which may need several posts, answers NeedsPost until it has them). So a run
on its hot path reads no more than it did before.

The retry policies are here too, one per kind of retry, each defined once: whoever
retries something asks its policy, and status says the same limits.
"""

from __future__ import annotations

from rssarchive.core.decide.articles import (
    ArticleFailed as ArticleFailed,
)
from rssarchive.core.decide.articles import (
    DatedBy as DatedBy,
)
from rssarchive.core.decide.articles import (
    DateNote as DateNote,
)
from rssarchive.core.decide.articles import (
    Failure as Failure,
)
from rssarchive.core.decide.articles import (
    PostDate as PostDate,
)
from rssarchive.core.decide.articles import (
    Told as Told,
)
from rssarchive.core.decide.articles import (
    article_failed as article_failed,
)
from rssarchive.core.decide.articles import (
    asks_substantial as asks_substantial,
)
from rssarchive.core.decide.articles import (
    content_mode as content_mode,
)
from rssarchive.core.decide.articles import (
    date_warning as date_warning,
)
from rssarchive.core.decide.articles import (
    dated_by_another as dated_by_another,
)
from rssarchive.core.decide.articles import (
    falls_back_to_feed_text as falls_back_to_feed_text,
)
from rssarchive.core.decide.articles import (
    feed_given as feed_given,
)
from rssarchive.core.decide.articles import (
    feed_text_instead as feed_text_instead,
)
from rssarchive.core.decide.articles import (
    from_feed_text as from_feed_text,
)
from rssarchive.core.decide.articles import (
    last_attempt as last_attempt,
)
from rssarchive.core.decide.articles import (
    needs_page as needs_page,
)
from rssarchive.core.decide.articles import (
    page_failure as page_failure,
)
from rssarchive.core.decide.articles import (
    parse_in_worker as parse_in_worker,
)
from rssarchive.core.decide.articles import (
    permanent as permanent,
)
from rssarchive.core.decide.articles import (
    post_date as post_date,
)
from rssarchive.core.decide.articles import (
    relisted_date as relisted_date,
)
from rssarchive.core.decide.articles import (
    says_fallback as says_fallback,
)
from rssarchive.core.decide.articles import (
    takes_relisted_date as takes_relisted_date,
)
from rssarchive.core.decide.articles import (
    use_worker_pool as use_worker_pool,
)
from rssarchive.core.decide.articles import (
    warm_workers as warm_workers,
)
from rssarchive.core.decide.articles import (
    warm_workers_now as warm_workers_now,
)
from rssarchive.core.decide.articles import (
    work_order as work_order,
)
from rssarchive.core.decide.entries import (
    MIGRATION_CANDIDATES as MIGRATION_CANDIDATES,
)
from rssarchive.core.decide.entries import (
    Candidate as Candidate,
)
from rssarchive.core.decide.entries import (
    GuidOwned as GuidOwned,
)
from rssarchive.core.decide.entries import (
    Known as Known,
)
from rssarchive.core.decide.entries import (
    MovedTo as MovedTo,
)
from rssarchive.core.decide.entries import (
    SiteRootGuid as SiteRootGuid,
)
from rssarchive.core.decide.entries import (
    TakenOn as TakenOn,
)
from rssarchive.core.decide.entries import (
    adopted_instead as adopted_instead,
)
from rssarchive.core.decide.entries import (
    alias_key as alias_key,
)
from rssarchive.core.decide.entries import (
    asks_archived_guid as asks_archived_guid,
)
from rssarchive.core.decide.entries import (
    asks_feed_shown as asks_feed_shown,
)
from rssarchive.core.decide.entries import (
    asks_migration as asks_migration,
)
from rssarchive.core.decide.entries import (
    asks_moved_to as asks_moved_to,
)
from rssarchive.core.decide.entries import (
    asks_other_owners as asks_other_owners,
)
from rssarchive.core.decide.entries import (
    asks_post_gone as asks_post_gone,
)
from rssarchive.core.decide.entries import (
    asks_post_there as asks_post_there,
)
from rssarchive.core.decide.entries import (
    asks_stored_origin as asks_stored_origin,
)
from rssarchive.core.decide.entries import (
    asks_stored_shown as asks_stored_shown,
)
from rssarchive.core.decide.entries import (
    asks_taken_said as asks_taken_said,
)
from rssarchive.core.decide.entries import (
    attaches as attaches,
)
from rssarchive.core.decide.entries import (
    by_host as by_host,
)
from rssarchive.core.decide.entries import (
    feed_for as feed_for,
)
from rssarchive.core.decide.entries import (
    guid_owner as guid_owner,
)
from rssarchive.core.decide.entries import (
    hands_over as hands_over,
)
from rssarchive.core.decide.entries import (
    known_link as known_link,
)
from rssarchive.core.decide.entries import (
    landed_on_listed as landed_on_listed,
)
from rssarchive.core.decide.entries import (
    migrated_by_redirect as migrated_by_redirect,
)
from rssarchive.core.decide.entries import (
    migration_checks as migration_checks,
)
from rssarchive.core.decide.entries import (
    other_owner as other_owner,
)
from rssarchive.core.decide.entries import (
    records as records,
)
from rssarchive.core.decide.entries import (
    retakes as retakes,
)
from rssarchive.core.decide.entries import (
    says_archived as says_archived,
)
from rssarchive.core.decide.entries import (
    says_taken as says_taken,
)
from rssarchive.core.decide.entries import (
    sees_guid as sees_guid,
)
from rssarchive.core.decide.entries import (
    site_root_guid as site_root_guid,
)
from rssarchive.core.decide.entries import (
    taken_on as taken_on,
)
from rssarchive.core.decide.entries import (
    unusable_link as unusable_link,
)
from rssarchive.core.decide.entries import (
    url_entry as url_entry,
)
from rssarchive.core.decide.feeds import (
    FeedFailed as FeedFailed,
)
from rssarchive.core.decide.feeds import (
    FeedSucceeded as FeedSucceeded,
)
from rssarchive.core.decide.feeds import (
    Health as Health,
)
from rssarchive.core.decide.feeds import (
    HealthKind as HealthKind,
)
from rssarchive.core.decide.feeds import (
    Moves as Moves,
)
from rssarchive.core.decide.feeds import (
    NotDue as NotDue,
)
from rssarchive.core.decide.feeds import (
    Polled as Polled,
)
from rssarchive.core.decide.feeds import (
    asks_selection_changed as asks_selection_changed,
)
from rssarchive.core.decide.feeds import (
    asks_shown_warning as asks_shown_warning,
)
from rssarchive.core.decide.feeds import (
    counted_under as counted_under,
)
from rssarchive.core.decide.feeds import (
    feed_failed as feed_failed,
)
from rssarchive.core.decide.feeds import (
    feed_health as feed_health,
)
from rssarchive.core.decide.feeds import (
    feed_polled as feed_polled,
)
from rssarchive.core.decide.feeds import (
    feed_succeeded as feed_succeeded,
)
from rssarchive.core.decide.feeds import (
    follow_moves as follow_moves,
)
from rssarchive.core.decide.feeds import (
    keep_newest as keep_newest,
)
from rssarchive.core.decide.feeds import (
    newest_first as newest_first,
)
from rssarchive.core.decide.feeds import (
    not_due as not_due,
)
from rssarchive.core.decide.feeds import (
    poll_url as poll_url,
)
from rssarchive.core.decide.feeds import (
    poll_validators as poll_validators,
)
from rssarchive.core.decide.feeds import (
    records_run_failure as records_run_failure,
)
from rssarchive.core.decide.feeds import (
    run_failed as run_failed,
)
from rssarchive.core.decide.feeds import (
    says_kept_warning as says_kept_warning,
)
from rssarchive.core.decide.feeds import (
    selection_changed as selection_changed,
)
from rssarchive.core.decide.feeds import (
    shown_warning as shown_warning,
)
from rssarchive.core.decide.identity import (
    ByGuid as ByGuid,
)
from rssarchive.core.decide.identity import (
    Landing as Landing,
)
from rssarchive.core.decide.identity import (
    LastSeen as LastSeen,
)
from rssarchive.core.decide.identity import (
    Listing as Listing,
)
from rssarchive.core.decide.identity import (
    MoveSaid as MoveSaid,
)
from rssarchive.core.decide.identity import (
    NeedsPost as NeedsPost,
)
from rssarchive.core.decide.identity import (
    Owner as Owner,
)
from rssarchive.core.decide.identity import (
    Redirected as Redirected,
)
from rssarchive.core.decide.identity import (
    Shown as Shown,
)
from rssarchive.core.decide.identity import (
    archived_elsewhere as archived_elsewhere,
)
from rssarchive.core.decide.identity import (
    asks_archived_as as asks_archived_as,
)
from rssarchive.core.decide.identity import (
    asks_last_seen as asks_last_seen,
)
from rssarchive.core.decide.identity import (
    asks_other_shown as asks_other_shown,
)
from rssarchive.core.decide.identity import (
    asks_owners as asks_owners,
)
from rssarchive.core.decide.identity import (
    asks_said_before as asks_said_before,
)
from rssarchive.core.decide.identity import (
    by_guid as by_guid,
)
from rssarchive.core.decide.identity import (
    collapsed as collapsed,
)
from rssarchive.core.decide.identity import (
    compared_with as compared_with,
)
from rssarchive.core.decide.identity import (
    crowded as crowded,
)
from rssarchive.core.decide.identity import (
    guid_key as guid_key,
)
from rssarchive.core.decide.identity import (
    landed as landed,
)
from rssarchive.core.decide.identity import (
    link_key as link_key,
)
from rssarchive.core.decide.identity import (
    move_said as move_said,
)
from rssarchive.core.decide.identity import (
    owner_differs as owner_differs,
)
from rssarchive.core.decide.identity import (
    page_keys as page_keys,
)
from rssarchive.core.decide.identity import (
    redirect_contradicts as redirect_contradicts,
)
from rssarchive.core.decide.identity import (
    redirected as redirected,
)
from rssarchive.core.decide.identity import (
    shared_guids as shared_guids,
)
from rssarchive.core.decide.identity import (
    site_root_guids as site_root_guids,
)
from rssarchive.core.decide.images import (
    HOTLINK_STATUSES as HOTLINK_STATUSES,
)
from rssarchive.core.decide.images import (
    ImageFailureKind as ImageFailureKind,
)
from rssarchive.core.decide.images import (
    ImagesRetried as ImagesRetried,
)
from rssarchive.core.decide.images import (
    asks_adopted_images as asks_adopted_images,
)
from rssarchive.core.decide.images import (
    gets_image_retries as gets_image_retries,
)
from rssarchive.core.decide.images import (
    image_budget_spent as image_budget_spent,
)
from rssarchive.core.decide.images import (
    image_retry_causes as image_retry_causes,
)
from rssarchive.core.decide.images import (
    image_retry_left as image_retry_left,
)
from rssarchive.core.decide.images import (
    images_local as images_local,
)
from rssarchive.core.decide.images import (
    images_retried as images_retried,
)
from rssarchive.core.decide.images import (
    retry_without_referer as retry_without_referer,
)
from rssarchive.core.decide.images import (
    tries_next_image as tries_next_image,
)
from rssarchive.core.decide.policies import (
    ARTICLE_RETRIES as ARTICLE_RETRIES,
)
from rssarchive.core.decide.policies import (
    ARTICLE_STANDING as ARTICLE_STANDING,
)
from rssarchive.core.decide.policies import (
    FEED_BACKOFF as FEED_BACKOFF,
)
from rssarchive.core.decide.policies import (
    FEED_REVALIDATION as FEED_REVALIDATION,
)
from rssarchive.core.decide.policies import (
    FETCH_RETRIES as FETCH_RETRIES,
)
from rssarchive.core.decide.policies import (
    HOST_RECHECK_RETRIES as HOST_RECHECK_RETRIES,
)
from rssarchive.core.decide.policies import (
    IMAGE_HOTLINK_RETRY as IMAGE_HOTLINK_RETRY,
)
from rssarchive.core.decide.policies import (
    IMAGE_RETRIES as IMAGE_RETRIES,
)
from rssarchive.core.decide.policies import (
    MOVE_AFTER as MOVE_AFTER,
)
from rssarchive.core.decide.policies import (
    RECHECK_CONFIRM_RETRIES as RECHECK_CONFIRM_RETRIES,
)
from rssarchive.core.decide.policies import (
    RETRY_STATUSES as RETRY_STATUSES,
)
from rssarchive.core.decide.policies import (
    WORKER_DEATH_RETRIES as WORKER_DEATH_RETRIES,
)
from rssarchive.core.decide.policies import (
    ArticleRetries as ArticleRetries,
)
from rssarchive.core.decide.policies import (
    ArticleStanding as ArticleStanding,
)
from rssarchive.core.decide.policies import (
    Backoff as Backoff,
)
from rssarchive.core.decide.policies import (
    ConfirmAnswer as ConfirmAnswer,
)
from rssarchive.core.decide.policies import (
    ConfirmRetries as ConfirmRetries,
)
from rssarchive.core.decide.policies import (
    Listed as Listed,
)
from rssarchive.core.decide.policies import (
    RetryPolicy as RetryPolicy,
)
from rssarchive.core.decide.policies import (
    Revalidation as Revalidation,
)
from rssarchive.core.decide.policies import (
    confirm_answer as confirm_answer,
)
from rssarchive.core.decide.policies import (
    recheck_request as recheck_request,
)
from rssarchive.core.decide.policies import (
    retry_due as retry_due,
)
from rssarchive.core.decide.policies import (
    retry_now as retry_now,
)
