"""Where a parcel is: the Delivery Tracker client (``client``) and its local stand-in (``fake``)."""

from apps.orders.tracking.client import DeliveryTracker, TrackEvent, TrackInfo, TrackingError, tracker

__all__ = ["DeliveryTracker", "TrackEvent", "TrackInfo", "TrackingError", "tracker"]
