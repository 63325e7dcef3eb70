import BNNEngine
