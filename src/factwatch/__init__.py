"""factwatch: watch Western Balkans media, find disinformation campaigns, counter them with facts."""

__version__ = "0.1.0"
