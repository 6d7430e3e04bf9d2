"""Speed fixes for moto 5.2 in server mode, applied by moto-server.py before moto starts.

Each replaces work moto repeats on every request with the same answer computed more cheaply.
Found by profiling moto under bench/local-throughput.ts (see docs/_pending/throughput.md):

- DynamoDB Query on a table with a sort key sorted every item of the *table* (all_items),
  then kept the queried partition, then computed the size of every item in it before testing
  the key condition: O(table) per query, so the attempt log's duplicate check grew with every
  attempt logged. Here the query starts from the partition and its key condition. (One moto
  quirk goes: items that fail the key condition no longer count towards the 1 MB page size.)
- SQS SendMessage (and so every EventBridge delivery to a queue) and ReceiveMessage built every
  queue attribute (counting the visible, delayed and in-flight messages, a clock read per
  message) to read ContentBasedDeduplication, and MessageRetentionPeriod once per message
  received: O(queue) per message.
- Every request listed moto's package directory (about 130 stat calls) to route it, and listed
  its response class's methods (inspect.getmembers) to find the action.
- Each message received drew its 185-letter receipt handle one random letter at a time.
- werkzeug logged every request on stderr, which the runtime only keeps for start-up errors.

And one fix of behaviour: moto picks and marks the messages of a ReceiveMessage without a lock,
so two receives of one queue at the same moment could both take a message, which SQS never
does; and a delete rebuilt the message list without it, so a message sent at that moment could
be dropped. A receive and a delete now hold the queue's condition (a reentrant lock, the one
add_message takes) while they work; a long poll's wait (Condition.wait) releases it meanwhile,
so a long poll does not hold up another receive.

Without the attributes these rely on (another moto version) a fix is skipped, not forced.
"""

import functools
import inspect
import logging
import threading


def _cache_module_list():
    from moto import backends

    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules


def _retention_without_attributes():
    from moto.core.utils import unix_time
    from moto.sqs.models import SQSBackend

    def is_message_valid_based_on_retention_period(self, queue_name, message):
        retention_period = self.get_queue(queue_name).message_retention_period
        return retention_period + message.sent_timestamp / 1000 > unix_time()

    SQSBackend.is_message_valid_based_on_retention_period = (
        is_message_valid_based_on_retention_period
    )


def _send_without_counts():
    from moto.sqs.models import Queue, SQSBackend

    original_attributes = Queue.attributes.fget
    original_send = SQSBackend.send_message
    local = threading.local()

    def attributes(self):
        if not getattr(local, "sending", False):
            return original_attributes(self)
        # All a send reads is ContentBasedDeduplication (a FIFO attribute, booleans as moto
        # renders them): without counting the queue's messages three times over for nothing.
        if not self.fifo_queue:
            return {}
        value = self.content_based_deduplication
        return {
            "ContentBasedDeduplication": str(value).lower() if isinstance(value, bool) else value
        }

    @functools.wraps(original_send)
    def send_message(self, *args, **kwargs):
        local.sending = True
        try:
            return original_send(self, *args, **kwargs)
        finally:
            local.sending = False

    Queue.attributes = property(attributes)
    SQSBackend.send_message = send_message


def _partition_queries():
    from moto.dynamodb.models.table import Table

    original_query = Table.query
    original_all_items = Table.all_items
    signature = inspect.signature(original_query)
    local = threading.local()

    @functools.wraps(original_query)
    def query(self, *args, **kwargs):
        arguments = signature.bind(self, *args, **kwargs).arguments
        hash_key = arguments.get("hash_key")
        conditions = arguments.get("range_key_conditions") or []
        # Only the plain case: the table's own keys, no index, no legacy KeyConditions.
        if (
            hash_key is None
            or not self.range_key_attr
            or arguments.get("index_name")
            or arguments.get("filter_kwargs")
            or len(conditions) > 1
        ):
            return original_query(self, *args, **kwargs)
        range_name = conditions[-1][0] if conditions else None
        local.partition = (
            self,
            hash_key,
            arguments.get("range_comparison"),
            arguments.get("range_objs"),
            range_name,
        )
        try:
            return original_query(self, *args, **kwargs)
        finally:
            local.partition = None

    def all_items(self):
        partition = getattr(local, "partition", None)
        if partition is None or partition[0] is not self:
            return original_all_items(self)
        _, hash_key, comparison, values, range_name = partition
        partition = self.items.get(hash_key, {})
        if not comparison:
            return list(partition.values())  # query sorts them by sort key itself
        if (
            comparison == "BEGINS_WITH"
            and range_name in (None, self.range_key_attr)
            and len(values) == 1
            and values[0].type == "S"
        ):
            # The attempt log's duplicate check: a prefix of a string sort key, tested on the
            # keys (plain strings) instead of through DynamoType.compare, item by item.
            prefix = values[0].value
            return [
                item
                for key, item in partition.items()
                if (key.value.startswith(prefix) if key.type == "S" else key.compare(comparison, values))
            ]
        items = list(partition.values())
        # The same test Table.query applies to each item, done before it sizes the items.
        return [
            item
            for item in items
            if (
                item.attrs[range_name].compare(comparison, values)
                if range_name and item.attrs.get(range_name)
                else item.range_key.compare(comparison, values)
            )
        ]

    Table.query = query
    Table.all_items = all_items


def _cached_action_names():
    from moto.core import responses

    original = responses.method_names_from_class
    names = {}

    def method_names_from_class(clazz):
        # A response class's methods are fixed once moto has loaded: list them once per class.
        if clazz not in names:
            names[clazz] = original(clazz)
        return names[clazz]

    responses.method_names_from_class = method_names_from_class


def _faster_receipt_handles():
    import string

    from moto.moto_api._internal import mock_random as random
    from moto.sqs import models, utils

    def generate_receipt_handle():
        # The same 185 lowercase letters from moto's (seedable) random, drawn in one call.
        return "".join(random.choices(string.ascii_lowercase, k=185))

    if models.generate_receipt_handle is utils.generate_receipt_handle:
        models.generate_receipt_handle = generate_receipt_handle
        utils.generate_receipt_handle = generate_receipt_handle


def _atomic_receive():
    from moto.sqs.models import Queue, SQSBackend

    original_receive = SQSBackend.receive_message
    original_delete = Queue.delete_message

    @functools.wraps(original_receive)
    def receive_message(self, queue_name, *args, **kwargs):
        lock = getattr(self.get_queue(queue_name), "_messages_lock", None)
        if lock is None:  # pragma: no cover - another moto version
            return original_receive(self, queue_name, *args, **kwargs)
        with lock:
            return original_receive(self, queue_name, *args, **kwargs)

    # A delete rebuilds the message list: a message sent meanwhile (add_message holds the same
    # lock) would be dropped with the old list.
    @functools.wraps(original_delete)
    def delete_message(self, *args, **kwargs):
        lock = getattr(self, "_messages_lock", None)
        if lock is None:  # pragma: no cover - another moto version
            return original_delete(self, *args, **kwargs)
        with lock:
            return original_delete(self, *args, **kwargs)

    SQSBackend.receive_message = receive_message
    Queue.delete_message = delete_message


def _quiet_request_log():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def apply():
    """Applies every fix whose target this moto has."""
    for fix in (
        _cache_module_list,
        _retention_without_attributes,
        _send_without_counts,
        _partition_queries,
        _cached_action_names,
        _faster_receipt_handles,
        _atomic_receive,
        _quiet_request_log,
    ):
        try:
            fix()
        except (ImportError, AttributeError):  # pragma: no cover - another moto version
            pass
